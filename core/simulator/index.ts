/**
 * The Yandex Market chats simulator without Effect: `startSimulator` serves the seven chat
 * operations from `node:http` on loopback, and `simulatorArgs`/`simulatorBanner` make the
 * standalone server's command line. Each edition's `Simulator` module is a thin layer over this.
 */
export { simulatorArgs, type SimulatorArgs, simulatorBanner } from "./cli.js"
export { type FaultKind, faultKinds, type FaultRule } from "./faults.js"
export type { ChatDto, MessageDto } from "./model.js"
export { type Operation, operationNames } from "./operations.js"
export {
  type Credential,
  defaultApiKey,
  defaultBusinessId,
  defaultEpoch,
  defaultOAuthToken,
  defaultSeed,
  type NewBusiness,
  type NextFailure,
  otherApiKey,
  otherBusinessId,
  type SentMessage,
  type SimulatorInfo,
  type SimulatorLimits,
  SimulatorListenError,
  type SimulatorOptions,
  type SimulatorServer,
  startSimulator,
  type Stats,
  type UserMessage
} from "./server.js"
