/**
 * Where the official OpenAPI descriptions are: copies kept beside this module (see its README for
 * their source and licence), so that a fresh clone runs every spec-driven test of both editions.
 */
import { fileURLToPath } from "node:url"

/** The official description of the chats API (`yandex-market-partner-api`, cut to the chat paths). */
export const chatsSpecPath: string = fileURLToPath(new URL("./yandex-market-chats.openapi.yaml", import.meta.url))

/** The official description of the push notifications (`yandex-market-notification-api`). */
export const notificationSpecPath: string = fileURLToPath(
  new URL("./yandex-market-notification.openapi.yaml", import.meta.url)
)
