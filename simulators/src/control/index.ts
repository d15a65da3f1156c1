export {
  startControlServer,
  createControlApp,
  attachSimNamespace,
  type ControlServer,
  type ControlServerOptions,
  type ActRequest,
  type ActAck,
} from './http-server.ts';
export {
  runScenario,
  parseScenario,
  loadScenario,
  readSimPath,
  type Scenario,
  type ScenarioStep,
  type ScenarioReport,
  type StepReport,
  type RunScenarioOptions,
} from './scenario.ts';
export { listTickets, findTicket, ticketPng, ticketText, hasTickets, type TicketSummary } from './tickets.ts';
