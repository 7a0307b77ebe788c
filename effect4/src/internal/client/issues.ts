/**
 * Short, readable descriptions of Schema issues: one `path: what is wrong` line per offending field,
 * joined by `; `, with the rejected value when the decoding reported it (`reportInput`).
 */
import { type SchemaAST, SchemaIssue } from "effect"

/**
 * The parse options of the library's decoders: every issue at once, unknown fields ignored, and the
 * rejected value named in each message (`expected one of "NEW", ..., got "SLEEPING"`). Inputs and
 * answers hold no credential.
 */
export const parseOptions: SchemaAST.ParseOptions = { errors: "all", onExcessProperty: "ignore", reportInput: true }

/** A JSON string literal, as Effect's formatter writes one. */
const quoted = String.raw`"(?:[^"\\]|\\.)*"`

/** `Expected "A" | "B", got X`: the message of a value outside a closed enum. */
const literalExpectation = new RegExp(String.raw`^Expected (${quoted}(?: \| ${quoted})*)(?:, got ([\s\S]*))?$`)

/** The longest message kept for one issue: a huge rejected value is cut, not copied whole. */
const maxMessageLength = 200

/** Effect's Standard Schema formatter, with a missing key said the way the Effect 3 edition says it. */
const formatter = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) => issue._tag === "MissingKey" ? "is missing" : SchemaIssue.defaultLeafHook(issue)
})

/**
 * One issue's message, reworded where Effect's wording is noisy (the `| undefined` of an optional key,
 * the alternatives of an enum, the options object itself) and cut when it is too long.
 */
const reword = (message: string, atRoot: boolean): string => {
  const plain = message.replace(/ \| undefined(?=,|$)/, "")
  const literal = literalExpectation.exec(plain)
  const out = literal !== null
    ? `expected one of ${literal[1]!.split(" | ").join(", ")}${literal[2] === undefined ? "" : `, got ${literal[2]}`}`
    : atRoot && plain.startsWith("Expected object")
    ? `expected an options object${plain.slice("Expected object".length)}`
    : plain
  return out.length > maxMessageLength ? `${out.slice(0, maxMessageLength)}…` : out
}

/**
 * Describes a Schema issue as `path: what is wrong` lines joined by `; ` (`input` for the value
 * itself); the messages of one path are joined by `, `, and the alternatives of an enum are folded into one.
 */
export const describeIssue = (issue: SchemaIssue.Issue): string => {
  const byPath = new Map<string, Array<string>>()
  for (const { message, path = [] } of formatter(issue).issues) {
    const key = path.length === 0 ? "input" : path.map((s) => String(typeof s === "object" ? s.key : s)).join(".")
    const messages = byPath.get(key) ?? []
    byPath.set(key, messages)
    const line = reword(message, path.length === 0)
    if (!messages.includes(line)) messages.push(line)
  }
  const lines = [...byPath].map(([key, messages]) => `${key}: ${messages.join(", ")}`)
  return lines.length === 0 ? SchemaIssue.makeFormatterDefault()(issue) : lines.join("; ")
}
