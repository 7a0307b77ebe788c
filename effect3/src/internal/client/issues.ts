/**
 * Short, readable descriptions of Schema parse issues: one line per offending field.
 */
import { ParseResult } from "effect"

const literalExpectation = /^Expected ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null), actual (.*)$/s

/**
 * Describes a parse issue as `path: what is wrong` lines joined by `; `. The noise of optional
 * fields ("Expected undefined") is left out, and the alternatives of an enum are folded into one line.
 */
export const describeIssue = (issue: ParseResult.ParseIssue): string => {
  const byPath = new Map<string, { literals: Array<string>; actual: string | undefined; messages: Array<string> }>()
  for (const { message, path } of ParseResult.ArrayFormatter.formatIssueSync(issue)) {
    if (message.startsWith("Expected undefined, actual")) continue
    const key = path.length === 0 ? "input" : path.join(".")
    const entry = byPath.get(key) ?? { literals: [], actual: undefined, messages: [] }
    byPath.set(key, entry)
    const literal = literalExpectation.exec(message)
    if (literal !== null) {
      entry.literals.push(literal[1]!)
      entry.actual = literal[2]
    } else if (path.length === 0 && message.startsWith("Expected {")) {
      entry.messages.push(`expected an options object, got ${message.slice(message.lastIndexOf("actual ") + 7)}`)
    } else {
      entry.messages.push(message)
    }
  }
  const lines: Array<string> = []
  for (const [key, { actual, literals, messages }] of byPath) {
    const parts = literals.length === 0 ? messages : [`expected one of ${literals.join(", ")}, got ${actual}`, ...messages]
    lines.push(`${key}: ${parts.join(", ")}`)
  }
  return lines.length === 0 ? ParseResult.TreeFormatter.formatIssueSync(issue) : lines.join("; ")
}
