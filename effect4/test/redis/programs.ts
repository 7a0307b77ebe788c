/**
 * The Effect 4 edition's child programs for the shared multi-process tables
 * (`core/testing/processCases.ts`, `crashCases.ts`, `endToEndCases.ts`), run from this edition's folder.
 */
import { fileURLToPath } from "node:url"
import type { EditionPrograms } from "../../../core/testing/programProcesses.js"

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

/** The worker, consumer and receiver programs of this folder. */
export const programs: EditionPrograms = {
  edition: "Effect 4",
  root: here("../.."),
  worker: here("./worker.ts"),
  consumer: here("./consumer.ts"),
  receiver: here("./receiver.ts")
}
