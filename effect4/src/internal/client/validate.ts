/**
 * Checking a method's input against its schema before anything is sent: a violation is an
 * `InvalidRequestError` naming the operation and what is wrong.
 */
import { Effect, Result, Schema } from "effect"
import { InvalidRequestError, type Operation } from "../../ChatsError.js"
import * as ChatsRequest from "../../ChatsRequest.js"
import { describeIssue, parseOptions } from "./issues.js"

/** A checker of one operation's input: the decoded input, or an `InvalidRequestError`. */
export const validator = <S extends Schema.ConstraintDecoder<unknown>>(operation: Operation, schema: S) => {
  const decode = Schema.decodeUnknownResult(schema, parseOptions)
  return (input: unknown): Effect.Effect<S["Type"], InvalidRequestError> => {
    const result = decode(input)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(new InvalidRequestError({ operation, description: describeIssue(result.failure.issue) }))
  }
}

/** The checkers of every method's input; a stream's input is checked as its operation's. */
export const validate = {
  getChats: validator("getChats", ChatsRequest.GetChats),
  streamChats: validator("getChats", ChatsRequest.StreamChats),
  getChatHistory: validator("getChatHistory", ChatsRequest.GetChatHistory),
  streamChatHistory: validator("getChatHistory", ChatsRequest.StreamChatHistory),
  createChat: validator("createChat", ChatsRequest.CreateChat),
  sendMessageToChat: validator("sendMessageToChat", ChatsRequest.SendMessageToChat),
  sendFileToChat: validator("sendFileToChat", ChatsRequest.SendFileToChat),
  getChat: validator("getChat", ChatsRequest.GetChat),
  getChatMessage: validator("getChatMessage", ChatsRequest.GetChatMessage)
}
