/**
 * effect-yandex-market-chats: an Effect client for the Yandex Market Partner API chats endpoints.
 *
 * @since 0.1.0
 */

/**
 * The client service: the seven chat operations, its layers and its errors.
 *
 * @since 0.1.0
 */
export * as ChatsClient from "./ChatsClient.js"

/**
 * The typed errors of the client.
 *
 * @since 0.1.0
 */
export * as ChatsError from "./ChatsError.js"

/**
 * The concurrency gate and quota store that keep the client under the market's limits.
 *
 * @since 0.1.0
 */
export * as ChatsLimiter from "./ChatsLimiter.js"

/**
 * The library's metrics (calls, 420s, the gate, quotas, Redis, notifications) and their recording functions.
 *
 * @since 1.0.0
 */
export * as ChatsMetrics from "./ChatsMetrics.js"

/**
 * The inputs of the client's methods, as Schemas.
 *
 * @since 0.1.0
 */
export * as ChatsRequest from "./ChatsRequest.js"

/**
 * Retry schedules built around the market's 420 answer.
 *
 * @since 0.1.0
 */
export * as ChatsRetry from "./ChatsRetry.js"

/**
 * Schemas of every DTO and enum of the chats API.
 *
 * @since 0.1.0
 */
export * as ChatsSchema from "./ChatsSchema.js"
