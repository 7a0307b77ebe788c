/**
 * Makes Redis lose the reply of a consumer's blocking `XREADGROUP` for both editions' tests: once a
 * client waits in `XREADGROUP ... BLOCK`, one packet appends an entry (the server hands it to the
 * waiting consumer at once, recording the delivery) and then `DEBUG SLEEP`s, so that the reply stays
 * in the server's buffer past the client's bound on the call. The server needs `DEBUG` enabled.
 */
import { connect } from "node:net"

/** A command in RESP. */
const resp = (args: ReadonlyArray<string>): string =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`

/** Whether a client of `CLIENT LIST` waits in `XREADGROUP`. */
const blockedReader = (clientList: string): boolean =>
  clientList.split("\n").some((line) => /\bflags=\S*b/.test(line) && /\bcmd=xreadgroup\b/.test(line))

/**
 * Waits (at most 10 s) until a client waits in `XREADGROUP`, then sends `XADD stream * ...fields`
 * followed by `DEBUG SLEEP sleepSeconds` in one packet on a connection of its own, and waits for both
 * answers (so until the server woke up).
 */
export const appendWhileReaderWaits = async (
  port: number,
  clientList: () => Promise<string>,
  stream: string,
  fields: Record<string, string>,
  sleepSeconds: number
): Promise<void> => {
  const deadline = performance.now() + 10_000
  while (!blockedReader(await clientList())) {
    if (performance.now() > deadline) throw new Error("no client waited in XREADGROUP within 10 s")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1")
    let answers = ""
    socket.setEncoding("utf8")
    socket.on("error", reject)
    socket.on("data", (chunk: string) => {
      answers += chunk
      if (answers.includes("+OK\r\n")) {
        socket.destroy()
        resolve()
      }
    })
    socket.on("connect", () => {
      socket.write(resp(["XADD", stream, "*", ...Object.entries(fields).flat()]) + resp(["DEBUG", "SLEEP", String(sleepSeconds)]))
    })
  })
}
