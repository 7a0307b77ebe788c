/**
 * Deterministic seeding of a business: chats of every context, type and status,
 * customers, and messages from every sender (some with files), in Russian.
 */
import { chatContextTypes, chatStatuses, chatTypes } from "../client/wire.js"
import type { ChatRecord, ChatStatus, ChatType, ContextType, Customer, Sender } from "./model.js"
import type { Random } from "./random.js"
import type { Store } from "./store.js"

/** How much to seed in one business. */
export interface SeedSize {
  readonly businessId: number
  readonly chats: number
  readonly messages: number
  /** The "now" of the seeded history: chats span the 90 days before it. */
  readonly epoch: number
}

const day = 24 * 60 * 60 * 1000

const customerTexts: ReadonlyArray<string> = [
  "Здравствуйте! Когда будет доставлен мой заказ?",
  "Добрый день. Товар пришёл с повреждённой упаковкой, что делать?",
  "Можно ли изменить адрес доставки?",
  "Спасибо, всё получил 👍",
  "Размер не подошёл, хочу оформить возврат.",
  "Подскажите, есть ли гарантия на этот товар?",
  "Курьер не приехал в назначенное время.",
  "В комплекте не хватает зарядного устройства.",
  "Почему заказ до сих пор не передан в доставку?",
  "Цвет отличается от того, что на фотографии.",
  "Прикладываю фото чека и упаковки.",
  "Ёлочная гирлянда не включается, проверьте, пожалуйста."
]

const partnerTexts: ReadonlyArray<string> = [
  "Здравствуйте! Заказ передан в службу доставки, ожидайте в течение двух дней.",
  "Приносим извинения за неудобства. Пришлите, пожалуйста, фото повреждений.",
  "Адрес изменить уже нельзя, но вы можете выбрать другой пункт выдачи.",
  "Гарантия производителя — 12 месяцев.",
  "Мы оформили возврат, деньги поступят в течение 10 дней.",
  "Спасибо за покупку! Будем рады отзыву.",
  "Проверили на складе: зарядное устройство отправим отдельной посылкой.",
  "Уточните, пожалуйста, номер заказа."
]

const marketTexts: ReadonlyArray<string> = [
  "Заказ передан в службу доставки.",
  "Покупатель открыл спор по заказу.",
  "Срок ответа магазина истекает через 24 часа.",
  "Заказ доставлен в пункт выдачи.",
  "Чат закрыт автоматически: покупатель не ответил в течение 3 дней."
]

const supportTexts: ReadonlyArray<string> = [
  "Здравствуйте, это служба поддержки Маркета. Мы изучаем ситуацию.",
  "Магазин, пожалуйста, предоставьте фото товара перед отправкой.",
  "По результатам проверки спор решён в пользу покупателя.",
  "По результатам проверки спор решён в пользу магазина."
]

const textsBySender: { readonly [K in Sender]: ReadonlyArray<string> } = {
  CUSTOMER: customerTexts,
  PARTNER: partnerTexts,
  MARKET: marketTexts,
  SUPPORT: supportTexts
}

const fileNames: ReadonlyArray<readonly [string, string]> = [
  ["фото_товара.jpg", "image/jpeg"],
  ["чек.pdf", "application/pdf"],
  ["накладная №15.pdf", "application/pdf"],
  ["screenshot.png", "image/png"],
  ["видео распаковки.mp4", "video/mp4"],
  ["акт возврата.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
]

const firstNames: ReadonlyArray<string> = [
  "Анна", "Иван", "Мария", "Алексей", "Екатерина", "Дмитрий", "Ольга", "Сергей", "Наталья", "Пётр", "Юлия", "Артём"
]
const lastInitials: ReadonlyArray<string> = ["А.", "Б.", "В.", "К.", "М.", "П.", "С.", "Т.", "Ш.", "Ю."]
const publicIdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

/** Who wrote the last message of a chat in this status (so statuses look plausible). */
const lastSenderFor: { readonly [K in ChatStatus]: Sender | undefined } = {
  NEW: undefined,
  WAITING_FOR_CUSTOMER: "PARTNER",
  WAITING_FOR_PARTNER: "CUSTOMER",
  WAITING_FOR_ARBITER: "PARTNER",
  WAITING_FOR_MARKET: "CUSTOMER",
  FINISHED: "MARKET"
}

const pickSender = (random: Random, type: ChatType): Sender => {
  const u = random.next()
  if (type === "ARBITRAGE") return u < 0.3 ? "CUSTOMER" : u < 0.6 ? "PARTNER" : u < 0.9 ? "SUPPORT" : "MARKET"
  return u < 0.45 ? "CUSTOMER" : u < 0.85 ? "PARTNER" : u < 0.97 ? "MARKET" : "SUPPORT"
}

const makeCustomer = (random: Random): Customer => {
  let publicId = ""
  for (let i = 0; i < 26; i++) publicId += publicIdAlphabet[random.int(0, publicIdAlphabet.length - 1)]
  return { name: `${random.pick(firstNames)} ${random.pick(lastInitials)}`, publicId }
}

/**
 * The kind of chat number `index`: the first 36 chats cover every combination
 * of context, type and status; the rest are drawn with realistic weights.
 */
const chatKind = (random: Random, index: number): readonly [ContextType, ChatType, ChatStatus] => {
  if (index < 36) {
    return [
      chatContextTypes[index % 3] as ContextType,
      chatTypes[Math.floor(index / 3) % 2] as ChatType,
      chatStatuses[Math.floor(index / 6) % 6] as ChatStatus
    ]
  }
  const u = random.next()
  const context: ContextType = u < 0.6 ? "ORDER" : u < 0.8 ? "RETURN" : "DIRECT"
  const type: ChatType = random.chance(0.1) ? "ARBITRAGE" : "CHAT"
  return [context, type, random.pick(chatStatuses)]
}

/** Splits `total` messages over `chats` chats: at least one each when there are enough, the rest skewed. */
const messageCounts = (random: Random, chats: number, total: number): Array<number> => {
  const counts = new Array<number>(chats).fill(0)
  if (chats === 0) return counts
  const base = total >= chats ? 1 : 0
  let rest = total - base * chats
  // Exponential weights, and one chat in twenty much longer, so some histories span many pages.
  const weights = counts.map(() => -Math.log(1 - random.next() * 0.999) * (random.chance(0.05) ? 25 : 1))
  const sum = weights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < chats; i++) {
    const share = Math.floor((total - base * chats) * (weights[i] as number) / sum)
    counts[i] = base + share
    rest -= share
  }
  for (let i = 0; rest > 0; i = (i + 1) % chats, rest--) counts[i] = (counts[i] as number) + 1
  return counts
}

/** Seeds one business of the store with chats and messages drawn from `random`. */
export const seedBusiness = (store: Store, random: Random, size: SeedSize): void => {
  const campaignIds = [size.businessId * 10 + 1, size.businessId * 10 + 2]
  store.addBusiness(size.businessId, campaignIds)
  const counts = messageCounts(random, size.chats, size.messages)
  const start = size.epoch - 90 * day
  const spacing = (90 * day) / Math.max(size.chats, 1)
  let orderId = 30_000_000 + size.businessId % 1000 * 10_000
  let returnId = 500_000 + size.businessId % 1000 * 1_000
  for (let index = 0; index < size.chats; index++) {
    const [contextType, type, status] = chatKind(random, index)
    const createdAt = Math.floor((start + index * spacing + random.next() * spacing * 0.5) / 1000) * 1000
    orderId += random.int(1, 40)
    if (contextType === "RETURN") returnId += random.int(1, 15)
    const chat: ChatRecord = store.addChat({
      businessId: size.businessId,
      contextType,
      type,
      status,
      ...(contextType !== "DIRECT" ? { orderId, campaignId: random.pick(campaignIds) } : {}),
      ...(contextType === "RETURN" ? { returnId } : {}),
      customer: makeCustomer(random),
      createdAt,
      updatedAt: createdAt
    })
    const count = counts[index] as number
    const step = Math.max(size.epoch - createdAt, 60_000) / (count + 1)
    const lastSender = lastSenderFor[status]
    for (let m = 0; m < count; m++) {
      const sender = m === count - 1 && lastSender !== undefined ? lastSender : pickSender(random, type)
      const createdAtMessage = Math.floor((createdAt + step * (m + 1)) / 1000) * 1000
      const withFile = random.chance(0.08)
      const files = withFile ?
        Array.from({ length: random.int(1, 2) }, () => {
          const [name, contentType] = random.pick(fileNames)
          return { name, contentType, size: random.int(10_000, 4_500_000) }
        }) :
        undefined
      const text = !withFile || random.chance(0.4) ? random.pick(textsBySender[sender]) : undefined
      store.addMessage(chat, {
        sender,
        createdAt: createdAtMessage,
        ...(text !== undefined ? { text } : {}),
        ...(files !== undefined ? { files } : {})
      }, false)
      chat.updatedAt = createdAtMessage
    }
  }
}
