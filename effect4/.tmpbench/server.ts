import * as Core from "../../core/simulator/index.js"
const sim = await Core.startSimulator({ seed: 3, chats: 50, messages: 20000 })
console.log(JSON.stringify({ url: sim.url, apiKey: sim.apiKey, businessId: sim.businessId }))
