/**
 * The commands of `ym-chats`: list, history, send, send-file, open and get, under one root command
 * whose global flags (`Command.withSharedFlags`) are taken before or after the command's name.
 *
 * @since 1.0.0
 */
import { Array as Arr, ByteSize, Console, Effect, FileSystem, Option, Path, Schema, type Stdio, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { guessContentType } from "../../../core/cli/contentType.js"
import { fileFailures, usage } from "../../../core/cli/messages.js"
import * as ChatsClient from "../ChatsClient.js"
import type * as ChatsRequest from "../ChatsRequest.js"
import * as ChatsSchema from "../ChatsSchema.js"
import * as Client from "./client.js"
import { CommandError, UsageError } from "./errors.js"
import * as Io from "./io.js"
import * as Render from "./render.js"

/**
 * The root command: the global flags only; without a command it prints the help.
 *
 * @since 1.0.0
 * @category commands
 */
export const root = Command.make("ym-chats").pipe(
  Command.withSharedFlags(Client.globalFlags),
  Command.withDescription("Yandex Market chats with buyers, from the shell.")
)

/** Runs `f` with the chats client and the business id of the global flags (read from the root command). */
const withChats = <A, E, R>(f: (chats: ChatsClient.Service, businessId: number) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const globals = yield* root
    const businessId = yield* Client.businessId(globals)
    return yield* ChatsClient.ChatsClient.use((chats) => f(chats, businessId)).pipe(
      Effect.provide(Client.clientLayer(globals))
    )
  })

/** A chat id argument. */
const chatIdArg = Argument.Int("chatId").pipe(
  Argument.withSchema(ChatsSchema.Id),
  Argument.withDescription("The chat's id.")
)

/** An id flag (an integer of at least 1). */
const idFlag = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withSchema(ChatsSchema.Id), Flag.withMetavar("ID"), Flag.withDescription(description))

/** A flag of the API's enum, repeatable. */
const choices = <const L extends ReadonlyArray<string>>(name: string, literals: L, description: string) =>
  Flag.Literals(name, literals).pipe(Flag.withMetavar(name === "status" ? "STATUS" : "TYPE"), Flag.withDescription(description), Flag.atLeast(0))

/** The `--json` flag. */
const jsonFlag = (what: string) =>
  Flag.Boolean("json").pipe(
    Flag.withDescription(`Print ${what} as JSON Lines (one JSON object a line).`),
    Flag.withDefault(false)
  )

/** Prints the items of a stream a page at a time, with a progress line on stderr when it is a terminal; answers the count. */
const printPaged = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  noun: string,
  render: (item: A) => string
): Effect.Effect<number, E, R | Stdio.Stdio> =>
  Effect.gen(function*() {
    const progress = yield* Io.progressLine
    let count = 0
    yield* stream.pipe(
      Stream.runForEachArray((items) =>
        Effect.gen(function*() {
          if (items.length === 0) return
          count += items.length
          yield* progress("")
          yield* Console.log(items.map(render).join("\n"))
          yield* progress(`fetched ${count} ${noun}...`)
        })
      ),
      Effect.ensuring(progress(""))
    )
    return count
  })

/** Collects a stream, with a progress line on stderr when it is a terminal. */
const collectWithProgress = <A, E, R>(stream: Stream.Stream<A, E, R>, noun: string): Effect.Effect<Array<A>, E, R | Stdio.Stdio> =>
  Effect.gen(function*() {
    const progress = yield* Io.progressLine
    let count = 0
    return yield* stream.pipe(
      Stream.mapArrayEffect((items) => {
        count += items.length
        return Effect.as(progress(`fetched ${count} ${noun}...`), items)
      }),
      Stream.runCollect,
      Effect.ensuring(progress(""))
    )
  })

/** `{ [key]: values }` without repeats when there are values, else nothing (the API refuses empty lists and repeats). */
const nonEmpty = <K extends string, A>(
  key: K,
  values: ReadonlyArray<A>,
  same: (a: A, b: A) => boolean = (a, b) => a === b
): { readonly [P in K]?: ReadonlyArray<A> } =>
  (values.length === 0 ? {} : { [key]: Arr.dedupeWith(values, same) }) as unknown as {
    readonly [P in K]?: ReadonlyArray<A>
  }

/**
 * `ym-chats list`: the business's chats, filtered, as a table or as JSON Lines.
 *
 * @since 1.0.0
 * @category commands
 */
export const list = Command.make("list", {
  statuses: choices("status", ChatsSchema.chatStatuses, "Only chats with this status; repeat for several."),
  types: choices("type", ChatsSchema.chatTypes, "Only chats of this type; repeat for several."),
  contextTypes: choices("context-type", ChatsSchema.chatContextTypes, "Only chats on this kind of context; repeat for several."),
  orders: idFlag("order", "Only the chat on this order; repeat for several.").pipe(Flag.atLeast(0)),
  returns: idFlag("return", "Only the chat on this return; repeat for several.").pipe(Flag.atLeast(0)),
  limit: Flag.Int("limit").pipe(
    Flag.withMetavar("N"),
    Flag.withDescription("Print at most this many chats (newest first). Default: all."),
    Flag.optional
  ),
  json: jsonFlag("the chats")
}, (options) =>
  Effect.gen(function*() {
    const limit = Option.getOrUndefined(options.limit)
    if (limit !== undefined && limit < 1) return yield* new UsageError({ message: usage.badLimit(limit) })
    const contexts = [
      ...options.orders.map((id) => ({ type: "ORDER" as const, id })),
      ...options.returns.map((id) => ({ type: "RETURN" as const, id }))
    ]
    const filter: NonNullable<ChatsRequest.StreamChats["filter"]> = {
      ...nonEmpty("statuses", options.statuses),
      ...nonEmpty("types", options.types),
      ...nonEmpty("contextTypes", options.contextTypes),
      ...nonEmpty("contexts", contexts, (a, b) => a.type === b.type && a.id === b.id)
    }
    yield* withChats((chats, businessId) => {
      const all = chats.streamChats({ businessId, filter, limit: Math.min(limit ?? 20, 20) })
      const chosen = limit === undefined ? all : Stream.take(all, limit)
      if (options.json) return printPaged(chosen, "chats", Render.chatJson)
      return Effect.flatMap(collectWithProgress(chosen, "chats"), (found) =>
        Console.log(found.length === 0 ? "No chats." : Render.chatTable(found).join("\n")))
    })
  })).pipe(Command.withDescription("List the business's chats, newest first."))

/**
 * `ym-chats history <chatId>`: every message of a chat, oldest first.
 *
 * @since 1.0.0
 * @category commands
 */
export const history = Command.make("history", {
  chatId: chatIdArg,
  from: idFlag("from", "Start at this message id.").pipe(Flag.optional),
  json: jsonFlag("the messages")
}, (options) =>
  withChats((chats, businessId) =>
    printPaged(
      chats.streamChatHistory({
        businessId,
        chatId: options.chatId,
        limit: 100,
        ...Option.match(options.from, { onNone: () => ({}), onSome: (messageIdFrom) => ({ messageIdFrom }) })
      }),
      "messages",
      options.json ? Render.messageJson : Render.messageText
    ).pipe(Effect.flatMap((count) => count === 0 && !options.json ? Console.log("No messages.") : Effect.void))
  )).pipe(Command.withDescription("Print the whole history of a chat, oldest message first."))

/**
 * `ym-chats send <chatId> <message>`: a text message.
 *
 * @since 1.0.0
 * @category commands
 */
export const send = Command.make("send", {
  chatId: chatIdArg,
  message: Argument.String("message").pipe(Argument.withDescription("The text, 1 to 4096 characters."))
}, (options) =>
  withChats((chats, businessId) =>
    chats.sendMessageToChat({ businessId, chatId: options.chatId, message: options.message }).pipe(
      Effect.andThen(Console.log(`Message sent to chat ${options.chatId}.`))
    )
  )).pipe(Command.withDescription("Send a text message to a chat."))

/** A file to send, read and checked before anything is sent. */
const readFileToSend = (filePath: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const cannotRead = (error: { readonly message: string }) =>
      new CommandError({ message: fileFailures.cannotRead(filePath, error.message) })
    const info = yield* Effect.mapError(fs.stat(filePath), cannotRead)
    if (info.type !== "File") return yield* new CommandError({ message: fileFailures.notAFile(filePath) })
    const size = ByteSize.toBigInt(info.size)
    if (size > BigInt(ChatsSchema.maxFileBytes)) {
      return yield* new CommandError({ message: fileFailures.tooBig(filePath, size, ChatsSchema.maxFileBytes) })
    }
    return yield* Effect.mapError(fs.readFile(filePath), cannotRead)
  })

/**
 * `ym-chats send-file <chatId> <path>`: a file of at most 5 MB, named after its path.
 *
 * @since 1.0.0
 * @category commands
 */
export const sendFile = Command.make("send-file", {
  chatId: chatIdArg,
  path: Argument.File("path", { mustExist: true }).pipe(Argument.withDescription("The file to send (at most 5 MB).")),
  contentType: Flag.String("content-type").pipe(
    Flag.withMetavar("TYPE"),
    Flag.withDescription("The file's media type. Default: guessed from the extension, else application/octet-stream."),
    Flag.optional
  )
}, (options) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const contentType = Option.orElse(options.contentType, () => Option.fromUndefinedOr(guessContentType(options.path)))
    if (Option.isSome(contentType) && !Schema.is(ChatsSchema.MediaType)(contentType.value)) {
      return yield* new UsageError({ message: usage.badContentType(contentType.value) })
    }
    const name = path.basename(options.path)
    const data = yield* readFileToSend(options.path)
    yield* withChats((chats, businessId) =>
      chats.sendFileToChat({
        businessId,
        chatId: options.chatId,
        file: { name, data, ...Option.match(contentType, { onNone: () => ({}), onSome: (type) => ({ contentType: type }) }) }
      })
    )
    yield* Console.log(
      `File ${name} (${data.byteLength} bytes, ${Option.getOrElse(contentType, () => "application/octet-stream")}) sent to chat ${options.chatId}.`
    )
  })).pipe(Command.withDescription("Send a file to a chat; its name is the file's name."))

/**
 * `ym-chats open --order <id>` or `--return <id>`: opens the chat (or finds the one already open) and prints its id.
 *
 * @since 1.0.0
 * @category commands
 */
export const open = Command.make("open", {
  order: idFlag("order", "The order to open a chat on.").pipe(Flag.optional),
  return: idFlag("return", "The return to open a chat on.").pipe(Flag.optional)
}, (options) =>
  Effect.gen(function*() {
    const context = Option.isSome(options.order) === Option.isSome(options.return)
      ? yield* new UsageError({ message: usage.openNeedsOne })
      : Option.match(options.order, {
        onSome: (id) => ({ type: "ORDER" as const, id }),
        onNone: () => ({ type: "RETURN" as const, id: Option.getOrThrow(options.return) })
      })
    const chatId = yield* withChats((chats, businessId) => chats.createChat({ businessId, context }))
    yield* Console.log(String(chatId))
  })).pipe(
    Command.withDescription("Open a chat on an order or a return (or find the one already open); prints the chat id.")
  )

/**
 * `ym-chats get <chatId>`: one chat.
 *
 * @since 1.0.0
 * @category commands
 */
export const get = Command.make("get", {
  chatId: chatIdArg,
  json: jsonFlag("the chat")
}, (options) =>
  withChats((chats, businessId) =>
    chats.getChat({ businessId, chatId: options.chatId }).pipe(
      Effect.flatMap((chat) => Console.log(options.json ? Render.chatJson(chat) : Render.chatDetails(chat).join("\n")))
    )
  )).pipe(Command.withDescription("Print one chat."))

/**
 * The whole command tree of `ym-chats`.
 *
 * @since 1.0.0
 * @category commands
 */
export const command = root.pipe(Command.withSubcommands([list, history, send, sendFile, open, get]))
