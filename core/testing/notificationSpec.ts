/**
 * The official description of the push notifications (`core/testing/spec/`, BSD-3-Clause), loaded
 * without Effect for both editions' notification tests: ajv validators of its component schemas, the
 * DTO of each notification type, and the fields each DTO requires.
 */
import { Ajv, type ValidateFunction } from "ajv"
import addFormatsImport from "ajv-formats"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"
import { notificationSpecPath } from "./spec/paths.js"

type AddFormats = (ajv: Ajv) => Ajv
const addFormats: AddFormats =
  ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as AddFormats

/** The description, parsed. */
const loadDocument = () =>
  parseYaml(readFileSync(notificationSpecPath, "utf8")) as {
    readonly components: { readonly schemas: Record<string, { readonly required?: ReadonlyArray<string> }> }
  }

/** A validator of each component schema of the description, by name (throws for a name it lacks). */
export const loadNotificationValidators = (): (name: string) => ValidateFunction => {
  // strict off: OpenAPI keywords (discriminator, x-transform, description markup) are not JSON Schema
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  // the integer formats bound the value (an int64 past 2^53 is checked as JSON parsing rounds it)
  ajv.addFormat("int32", { type: "number", validate: (n: number) => n >= -(2 ** 31) && n < 2 ** 31 })
  ajv.addFormat("int64", { type: "number", validate: (n: number) => n >= -(2 ** 63) && n <= 2 ** 63 })
  ajv.addSchema({ ...loadDocument(), $id: "notification.yaml" })
  return (name) => {
    const validate = ajv.getSchema(`notification.yaml#/components/schemas/${name}`)
    if (validate === undefined) throw new Error(`no schema ${name} in the description`)
    return validate
  }
}

/** The DTO of each notification type the tests send. */
export const notificationDtos: Readonly<Record<string, string>> = {
  PING: "PingNotificationDTO",
  CHAT_CREATED: "ChatCreatedNotificationDTO",
  CHAT_MESSAGE_SENT: "ChatMessageSentNotificationDTO",
  CHAT_ARBITRAGE_STARTED: "ChatArbitrageStartedNotificationDTO",
  CHAT_ARBITRAGE_FINISHED: "ChatArbitrageFinishedNotificationDTO",
  ORDER_CREATED: "OrderCreatedNotificationDTO"
}

/** The fields a component schema of the description requires, sorted. */
export const requiredFields = (dto: string): ReadonlyArray<string> =>
  [...(loadDocument().components.schemas[dto]?.required ?? [])].sort()
