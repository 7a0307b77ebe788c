/**
 * Markdown turned into the plain text the market shows: the chats API takes text only (no markup,
 * no mentions), so the markup is taken off and what it marked stays. The result never has more
 * code points than the Markdown, so the Markdown's code point count is an upper bound of what is
 * sent (`measure`).
 *
 * What survives:
 * - paragraphs and line breaks, as they are;
 * - the content of code spans and code blocks, verbatim (the backticks and fences go, the info string too);
 * - emphasis (`*a*`, `_a_`, `**a**`, `__a__`, `~~a~~`): the text, without the markers;
 * - headings (`# Title`): the title;
 * - links `[text](url)`: `text (url)`, or `url` alone when the text is the url; images `![alt](url)` the same;
 *   autolinks `<https://...>`: the url;
 * - bullets (`-`, `*`, `+`): `•`; numbered lists, quotes (`>`), tables and raw HTML: as written;
 * - backslash escapes (`\*`): the character.
 */
import { codePoints } from "../client/limits.js"

const fence = /^( {0,3})(`{3,}|~{3,})(.*)$/

/** Inline markup of text outside code spans. */
const inline = (text: string): string =>
  text
    .replace(/!?\[([^\]\n]*)\]\(([^()\s]+)(?:\s+"[^"\n]*")?\)/g, (_, label: string, url: string) =>
      label === "" || label === url ? url : `${label} (${url})`)
    .replace(/<((?:https?|mailto):[^<>\s]+)>/g, "$1")
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, "$1")
    .replace(/__(?=\S)([^_\n]*?\S)__/g, "$1")
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, "$1")
    .replace(/(^|[^\p{L}\p{N}*\\])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gu, "$1$2")
    .replace(/(^|[^\p{L}\p{N}_\\])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, "$1$2")
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")

/** One line outside code blocks: block markers, then inline markup with code spans kept verbatim. */
const line = (text: string): string => {
  const heading = /^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+[ \t]*)?$/.exec(text)
  const body = heading
    ? heading[1] as string
    : text.replace(/^(\s*(?:>\s?)*\s*)[-*+](\s+)(?=\S)/, "$1•$2")
  return body.split(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/).map((part, i) =>
    // split with two groups: [text, ticks, code, text, ticks, code, ...]
    i % 3 === 0 ? inline(part) : i % 3 === 2 ? part.replace(/^ (.*) $/, "$1") : ""
  ).join("")
}

/** The plain text of a Markdown string, as the market will show it. */
export const markdownToText = (markdown: string): string => {
  const out: Array<string> = []
  let open: string | undefined
  for (const raw of markdown.split("\n")) {
    const marker = fence.exec(raw)
    if (open === undefined) {
      if (marker) open = (marker[2] as string)[0]!.repeat((marker[2] as string).length)
      else out.push(line(raw))
    } else if (marker && (marker[2] as string).startsWith(open) && (marker[3] as string).trim() === "") {
      open = undefined
    } else {
      out.push(raw)
    }
  }
  return out.join("\n")
}

/**
 * What Markdown costs against the market's message length: its code points, an upper bound of the
 * text sent (the conversion only takes characters away) that adds up and counts an ASCII letter as one.
 */
export const measure = (markdown: string): number => codePoints(markdown)

/** Whether the text sent has no visible character (the market refuses an empty message). */
export const isBlank = (text: string): boolean => text.trim() === ""
