/**
 * The commands of `ym-chats`: list, history, send, send-file, open and get, under one root
 * command that holds the global options.
 *
 * @since 0.1.0
 */
import { Args, Command, HelpDoc, Options, ValidationError } from "@effect/cli"
import { FileSystem, Path } from "@effect/platform"
import { Array as Arr, Chunk, Console, Effect, Either, Option, Schema, Stream } from "effect"
import * as ChatsClient from "../ChatsClient.js"
import type * as ChatsRequest from "../ChatsRequest.js"
import * as ChatsSchema from "../ChatsSchema.js"
import * as Client from "./client.js"
import { guessContentType } from "./contentType.js"
import { CommandError, UsageError } from "./errors.js"
import { CliIo } from "./io.js"
import * as Render from "./render.js"

/**
 * The root command: global options only; without a subcommand it prints the help.
 *
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("ym-chats", Client.rootOptions)

/** Runs `f` with the chats client and the business id of the global options. */
const withChats = <A, E, R>(
  local: Client.GlobalOptions,
  f: (chats: ChatsClient.Service, businessId: number) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const globals = Client.mergeGlobals(yield* root, local)
    const businessId = yield* Client.businessId(globals)
    return yield* Effect.flatMap(ChatsClient.ChatsClient, (chats) => f(chats, businessId)).pipe(
      Effect.provide(Client.clientLayer(globals))
    )
  })

/** A chat id argument. */
const chatIdArg = Args.integer({ name: "chatId" }).pipe(
  Args.withSchema(ChatsSchema.Id),
  Args.withDescription("The chat's id.")
)

/** A positive safe integer written in decimal. */
const parseId = (text: string): Option.Option<number> => {
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN
  return Number.isSafeInteger(value) && value >= 1 ? Option.some(value) : Option.none()
}

/**
 * A repeatable id option. (`Options.integer(...).pipe(Options.repeated)` of @effect/cli 0.77 refuses
 * an option given once, validating the parsed number again as text; so the values are read as
 * text and parsed here.)
 */
const repeatedIds = (name: string, description: string): Options.Options<Array<number>> =>
  Options.text(name).pipe(
    Options.withPseudoName("ID"),
    Options.repeated,
    Options.mapEffect((values) =>
      Effect.forEach(values, (text) =>
        Option.match(parseId(text), {
          onNone: () =>
            Effect.fail(ValidationError.invalidValue(
              HelpDoc.p(`--${name} expects an id (an integer of at least 1), got '${text}'`)
            )),
          onSome: Effect.succeed
        }))
    ),
    Options.withDescription(description)
  )

/** The `--json` flag. */
const jsonFlag = (what: string) =>
  Options.boolean("json").pipe(Options.withDescription(`Print ${what} as JSON Lines (one JSON object a line).`))

/** Prints the items of a stream a page at a time, with a progress line on stderr when it is a terminal. */
const printPaged = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  noun: string,
  render: (item: A) => string
): Effect.Effect<number, E, R> =>
  Effect.gen(function*() {
    const io = yield* CliIo
    let count = 0
    const progress = (text: string) => io.stderrIsTTY ? io.progress(text) : Effect.void
    yield* stream.pipe(
      Stream.chunks,
      Stream.runForEach((chunk) =>
        Effect.gen(function*() {
          if (Chunk.isEmpty(chunk)) return
          count += chunk.length
          yield* progress("")
          yield* Console.log(Chunk.join(Chunk.map(chunk, render), "\n"))
          yield* progress(`fetched ${count} ${noun}...`)
        })
      ),
      Effect.ensuring(progress(""))
    )
    return count
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
 * @since 0.1.0
 * @category commands
 */
export const list = Command.make("list", {
  globals: Client.commandOptions,
  statuses: Options.choice("status", ChatsSchema.chatStatuses).pipe(
    Options.withPseudoName("STATUS"),
    Options.repeated,
    Options.withDescription("Only chats with this status; repeat for several.")
  ),
  types: Options.choice("type", ChatsSchema.chatTypes).pipe(
    Options.withPseudoName("TYPE"),
    Options.repeated,
    Options.withDescription("Only chats of this type; repeat for several.")
  ),
  contextTypes: Options.choice("context-type", ChatsSchema.chatContextTypes).pipe(
    Options.withPseudoName("TYPE"),
    Options.repeated,
    Options.withDescription("Only chats on this kind of context; repeat for several.")
  ),
  orders: repeatedIds("order", "Only the chat on this order; repeat for several."),
  returns: repeatedIds("return", "Only the chat on this return; repeat for several."),
  limit: Options.integer("limit").pipe(
    Options.withPseudoName("N"),
    Options.optional,
    Options.withDescription("Print at most this many chats (newest first). Default: all.")
  ),
  json: jsonFlag("the chats")
}, (options) =>
  Effect.gen(function*() {
    const limit = Option.getOrUndefined(options.limit)
    if (limit !== undefined && limit < 1) {
      return yield* new UsageError({ message: `--limit must be at least 1, got ${limit}` })
    }
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
    yield* withChats(options.globals, (chats, businessId) => {
      const all = chats.streamChats({ businessId, filter, limit: Math.min(limit ?? 20, 20) })
      const chosen = limit === undefined ? all : Stream.take(all, limit)
      if (options.json) return printPaged(chosen, "chats", Render.chatJson)
      return Effect.gen(function*() {
        const io = yield* CliIo
        let count = 0
        const found = yield* chosen.pipe(
          Stream.mapChunksEffect((chunk) => {
            count += chunk.length
            return Effect.as(io.stderrIsTTY ? io.progress(`fetched ${count} chats...`) : Effect.void, chunk)
          }),
          Stream.runCollect,
          Effect.ensuring(io.stderrIsTTY ? io.progress("") : Effect.void)
        )
        yield* Chunk.isEmpty(found)
          ? Console.log("No chats.")
          : Console.log(Render.chatTable(Chunk.toReadonlyArray(found)).join("\n"))
      })
    })
  })).pipe(Command.withDescription("List the business's chats, newest first."))

/**
 * `ym-chats history <chatId>`: every message of a chat, oldest first.
 *
 * @since 0.1.0
 * @category commands
 */
export const history = Command.make("history", {
  globals: Client.commandOptions,
  chatId: chatIdArg,
  from: Options.integer("from").pipe(
    Options.withPseudoName("ID"),
    Options.withSchema(ChatsSchema.Id),
    Options.optional,
    Options.withDescription("Start at this message id.")
  ),
  json: jsonFlag("the messages")
}, (options) =>
  withChats(options.globals, (chats, businessId) =>
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
 * @since 0.1.0
 * @category commands
 */
export const send = Command.make("send", {
  globals: Client.commandOptions,
  chatId: chatIdArg,
  message: Args.text({ name: "message" }).pipe(Args.withDescription("The text, 1 to 4096 characters."))
}, (options) =>
  withChats(options.globals, (chats, businessId) =>
    chats.sendMessageToChat({ businessId, chatId: options.chatId, message: options.message }).pipe(
      Effect.zipRight(Console.log(`Message sent to chat ${options.chatId}.`))
    )
  )).pipe(Command.withDescription("Send a text message to a chat."))

/**
 * `ym-chats send-file <chatId> <path>`: a file of at most 5 MB, named after its path.
 *
 * @since 0.1.0
 * @category commands
 */
export const sendFile = Command.make("send-file", {
  globals: Client.commandOptions,
  chatId: chatIdArg,
  path: Args.file({ name: "path", exists: "yes" }).pipe(Args.withDescription("The file to send (at most 5 MB).")),
  contentType: Options.text("content-type").pipe(
    Options.withPseudoName("TYPE"),
    Options.optional,
    Options.withDescription("The file's media type. Default: guessed from the extension, else application/octet-stream.")
  )
}, (options) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const contentType = Option.orElse(options.contentType, () => Option.fromNullable(guessContentType(options.path)))
    if (Option.isSome(contentType) && !Schema.is(ChatsSchema.MediaType)(contentType.value)) {
      return yield* new UsageError({
        message: `--content-type must be a media type such as application/pdf, got ${JSON.stringify(contentType.value)}`
      })
    }
    const name = path.basename(options.path)
    const cannotRead = (error: { readonly message: string }) =>
      new CommandError({ message: `cannot read ${options.path}: ${error.message}` })
    const info = yield* Effect.mapError(fs.stat(options.path), cannotRead)
    if (info.type !== "File") return yield* new CommandError({ message: `${options.path} is not a file` })
    if (info.size > BigInt(ChatsSchema.maxFileBytes)) {
      return yield* new CommandError({
        message: `${options.path} is ${info.size} bytes; the market accepts files of at most ${ChatsSchema.maxFileBytes} bytes (5 MB)`
      })
    }
    const data = yield* Effect.mapError(fs.readFile(options.path), cannotRead)
    yield* withChats(options.globals, (chats, businessId) =>
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
 * @since 0.1.0
 * @category commands
 */
export const open = Command.make("open", {
  globals: Client.commandOptions,
  context: Options.integer("order").pipe(
    Options.withPseudoName("ID"),
    Options.withSchema(ChatsSchema.Id),
    Options.withDescription("The order to open a chat on."),
    Options.orElseEither(
      Options.integer("return").pipe(
        Options.withPseudoName("ID"),
        Options.withSchema(ChatsSchema.Id),
        Options.withDescription("The return to open a chat on.")
      )
    )
  )
}, (options) =>
  withChats(options.globals, (chats, businessId) =>
    chats.createChat({
      businessId,
      context: Either.match(options.context, {
        onLeft: (id) => ({ type: "ORDER" as const, id }),
        onRight: (id) => ({ type: "RETURN" as const, id })
      })
    }).pipe(Effect.flatMap((chatId) => Console.log(String(chatId))))
  )).pipe(
    Command.withDescription("Open a chat on an order or a return (or find the one already open); prints the chat id.")
  )

/**
 * `ym-chats get <chatId>`: one chat.
 *
 * @since 0.1.0
 * @category commands
 */
export const get = Command.make("get", {
  globals: Client.commandOptions,
  chatId: chatIdArg,
  json: jsonFlag("the chat")
}, (options) =>
  withChats(options.globals, (chats, businessId) =>
    chats.getChat({ businessId, chatId: options.chatId }).pipe(
      Effect.flatMap((chat) => Console.log(options.json ? Render.chatJson(chat) : Render.chatDetails(chat).join("\n")))
    )
  )).pipe(Command.withDescription("Print one chat."))

/**
 * The whole command tree of `ym-chats`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = root.pipe(
  Command.withDescription("Yandex Market chats with buyers, from the shell."),
  Command.withSubcommands([list, history, send, sendFile, open, get])
)
