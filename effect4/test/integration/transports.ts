/**
 * The HTTP transports a Node user can pick, each as a layer, for tests that run over each.
 */
import { NodeHttpClient } from "@effect/platform-node"
import type { Layer } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"

/** Every transport Effect 4 offers for Node, by name. */
export const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layerNodeHttp", NodeHttpClient.layerNodeHttp],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]
