import { parseScalerConfig, type ScalerConfig } from '../../src/scaler/config.js';
import { parseScenario } from '../../src/scenario/load.js';
import { refillLeadTimeS, runReplication } from '../../src/sim/replication.js';
import { prepareInputs } from '../../src/workload/build.js';

export const TRACE = 'traces/azure-llm-2023-code.csv';

/** A scenario replaying the Azure code trace once, its warm pool driven by the forecast policy. */
export const PARITY_SCENARIO = `
name: parity
seed: 3
duration: 57.5m
workload:
  arrivals: { trace: { path: ${TRACE}, durationColumn: GeneratedTokens, durationScale: 2 } }
  sessionDuration: 60s
infrastructure:
  scheduler: { throughput: 200/s }
  reserved: { slots: 4000, coldStart: 20s }
  warmPool: { size: 50, claimLatency: 50ms, decisionInterval: 15s, policy: { forecast: { hitRate: 0.99 } } }
`;

/** The simulator's forecast-policy decisions on the trace, and the lead time it used. */
export function simulatorTargets(): { targets: number[]; leadTimeS: number } {
  const s = parseScenario(PARITY_SCENARIO, '<parity>');
  const r = runReplication(s, prepareInputs(s), 0);
  return { targets: r.poolTargets!, leadTimeS: refillLeadTimeS(s) };
}

/** A scaler config deciding like the parity scenario's pool controller. */
export function parityConfig(leadTimeS: number, source: string, extra = '', sinks = '{ stdout: false }'): ScalerConfig {
  return parseScalerConfig(`
interval: 15s
leadTime: ${leadTimeS}
initial: 50
policy: { forecast: { hitRate: 0.99 } }
source: ${source}
sinks: ${sinks}
${extra}
`);
}
