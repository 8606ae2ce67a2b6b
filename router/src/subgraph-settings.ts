import type { RouterEnv, SubgraphOverride } from './env.ts';

/** How the gateway reaches one subgraph: the supergraph's defaults with this deployment's overrides applied. */
export interface SubgraphSettings {
  name: string;
  url: string;
  timeoutMs: number;
  /** How long a pooled connection to it may idle (SUBGRAPH_IDLE_SOCKET_MS). */
  idleSocketMs: number;
  breaker: BreakerSettings;
}

export interface BreakerSettings {
  errorThresholdPercent: number;
  volumeThreshold: number;
  resetMs: number;
}

/** The `<NAME>` of a subgraph's SUBGRAPH_<NAME>_* variables: upper-cased, every other character as `_`. */
export const envNameOf = (subgraph: string): string => subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/**
 * The settings of the subgraph `name`, whose URL in the supergraph (`join__graph(url:)`) is `supergraphUrl`:
 * SUBGRAPH_<NAME>_* variables override it and the gateway-wide defaults. Throws when no URL is known at all.
 */
export function subgraphSettingsOf(
  env: RouterEnv,
  { name, url: supergraphUrl }: { name: string; url?: string | undefined },
): SubgraphSettings {
  const envName = envNameOf(name);
  const override: SubgraphOverride = env.subgraphOverrides[envName] ?? {};
  const url = override.URL ?? (supergraphUrl || undefined);
  if (!url) {
    throw new Error(
      `The supergraph ${env.SUPERGRAPH_PATH} names subgraph "${name}" without a URL: set SUBGRAPH_${envName}_URL, ` +
        'or compose the supergraph with a routing URL for it.',
    );
  }
  return {
    name,
    url,
    timeoutMs: override.TIMEOUT_MS ?? env.SUBGRAPH_TIMEOUT_MS,
    idleSocketMs: env.SUBGRAPH_IDLE_SOCKET_MS,
    breaker: {
      errorThresholdPercent: override.BREAKER_ERROR_THRESHOLD_PERCENT ?? env.BREAKER_ERROR_THRESHOLD_PERCENT,
      volumeThreshold: override.BREAKER_VOLUME_THRESHOLD ?? env.BREAKER_VOLUME_THRESHOLD,
      resetMs: override.BREAKER_RESET_MS ?? env.BREAKER_RESET_MS,
    },
  };
}

/**
 * Problems with the SUBGRAPH_<NAME>_* variables for a supergraph serving `subgraphs`: a variable whose name
 * matches no subgraph (a typo would otherwise silently route to the supergraph's default), or one that two
 * subgraphs' names both map to. Empty when every override applies to exactly one subgraph.
 */
export function overrideProblems(env: RouterEnv, subgraphs: readonly string[]): string[] {
  const byEnvName = Map.groupBy(subgraphs, envNameOf);
  const problems: string[] = [];
  for (const [envName, override] of Object.entries(env.subgraphOverrides)) {
    const variables = Object.keys(override).map((setting) => `SUBGRAPH_${envName}_${setting}`);
    const matching = byEnvName.get(envName) ?? [];
    if (matching.length === 0) {
      problems.push(
        `${variables.join(', ')} ${variables.length === 1 ? 'matches' : 'match'} no subgraph of the supergraph ` +
          `(subgraphs: ${subgraphs.map((name) => `${name} → SUBGRAPH_${envNameOf(name)}_*`).join(', ')})`,
      );
    } else if (matching.length > 1) {
      problems.push(`${variables.join(', ')} would apply to several subgraphs (${matching.join(', ')})`);
    }
  }
  return problems;
}
