/**
 * Slow clients for the tests of the standalone receivers, without Effect: raw `node:net` sockets
 * that send a notification's headers and part of its body, then nothing more, each recording when
 * the server closed it and what it was answered.
 */
import * as Net from "node:net"

/** One slow client: when the server closed it (ms after it connected) and the first line it was answered. */
export interface SlowClient {
  readonly closedAfterMillis: number | undefined
  readonly statusLine: string | undefined
}

/** Slow clients opened together. */
export interface SlowClients {
  /** How many are still open. */
  readonly open: () => number
  /** What each one saw so far. */
  readonly clients: () => ReadonlyArray<SlowClient>
  /** Resolves once every one is closed, or after `timeoutMillis`, with what each one saw. */
  readonly allClosed: (timeoutMillis: number) => Promise<ReadonlyArray<SlowClient>>
  /** Destroys those still open. */
  readonly destroy: () => void
}

/**
 * Opens `count` connections to `url` (an `http:` URL of a path), each sending the headers of a POST
 * with `body` and its first half; resolves once all are connected and have sent that much. A socket
 * the server refuses at once counts as closed after 0 ms or so.
 */
export const openSlowClients = async (url: string, count: number, body: string): Promise<SlowClients> => {
  const { hostname, port, pathname } = new URL(url)
  const bytes = Buffer.from(body)
  const head = `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${bytes.length}\r\n\r\n`
  const states = Array.from({ length: count }, () => ({
    openedAt: 0,
    closedAfterMillis: undefined as number | undefined,
    answer: ""
  }))
  const sockets: Array<Net.Socket> = []
  const closings: Array<Promise<void>> = []
  await Promise.all(states.map((state) =>
    new Promise<void>((resolve) => {
      const socket = Net.connect({ host: hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(port) })
      sockets.push(socket)
      closings.push(new Promise((closed) => socket.once("close", () => closed())))
      socket.on("error", () => {})
      socket.on("data", (data) => state.answer += data.toString("latin1"))
      socket.once("close", () => {
        state.closedAfterMillis = performance.now() - state.openedAt
        resolve()
      })
      socket.once("connect", () => {
        state.openedAt = performance.now()
        socket.write(head)
        socket.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => resolve())
      })
    })
  ))
  const clients = () =>
    states.map((state) => ({
      closedAfterMillis: state.closedAfterMillis,
      statusLine: state.answer === "" ? undefined : state.answer.split("\r\n")[0]
    }))
  return {
    open: () => states.filter((state) => state.closedAfterMillis === undefined).length,
    clients,
    allClosed: (timeoutMillis) => {
      let timer: NodeJS.Timeout | undefined
      return Promise.race([
        Promise.all(closings),
        new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMillis))
      ]).then(() => {
        clearTimeout(timer)
        return clients()
      })
    },
    destroy: () => {
      for (const socket of sockets) socket.destroy()
    }
  }
}
