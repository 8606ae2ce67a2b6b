import { capturedLogger } from './captured-logger.ts';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apolloComputeResponse,
  FOLLOWED_SOURCE_SHA256,
  loadApolloResultShaping,
  installResultShaping,
  type ApolloResultShaping,
} from '../src/result-shaping/install.ts';
import { leanComputeResponse, type ComputeResponse } from '../src/result-shaping/lean-compute-response.ts';
import { loadEnv } from '../src/env.ts';
import { buildRouter } from '../src/server.ts';
import { testSecrets } from '@supergraph/testing';

const installed = loadApolloResultShaping();
if (installed instanceof Error) throw installed;

describe('lean result shaping in Apollo’s place', () => {
  afterAll(() => installResultShaping('lean', capturedLogger('gateway').logger)); // what every gateway in this process expects

  it('follows exactly the installed @apollo/gateway result shaping', () => {
    // Fails on any change of Apollo's file (an upgrade included): re-audit lean-compute-response.ts against the
    // new file (src/result-shaping/README.md). Until then the gateway uses Apollo's own, with a warning.
    expect({ version: installed.version, sourceSha256: installed.sourceSha256 }).toEqual({
      version: '2.14.4',
      sourceSha256: FOLLOWED_SOURCE_SHA256,
    });
  });

  it('records Apollo’s own function, not a replacement, and switches executeQueryPlan’s both ways', () => {
    const { logger, lines } = capturedLogger('gateway');
    expect(installResultShaping('lean', logger, installed)).toBe('lean');
    expect(installed.module.computeResponse).toBe(leanComputeResponse);
    const apollos = apolloComputeResponse(installed);
    expect(apollos.name).toBe('computeResponse'); // Apollo's function's own name
    expect(apollos).not.toBe(leanComputeResponse);
    expect(installResultShaping('apollo', logger, installed)).toBe('apollo');
    expect(installed.module.computeResponse).toBe(apollos);
    expect(lines).toEqual([]);
  });

  it('is left as installed by building and starting a gateway: only the process entry point chooses', async () => {
    const { logger } = capturedLogger('gateway');
    installResultShaping('apollo', logger, installed);
    const router = buildRouter(loadEnv({ ...testSecrets(), LOG_LEVEL: 'silent' }), logger);
    await router.start();
    try {
      expect(installed.module.computeResponse).toBe(apolloComputeResponse(installed));
    } finally {
      await router.stop();
    }
  });

  it('keeps Apollo’s own, with a warning, when the installed file is not the one it follows', () => {
    const apollos: ComputeResponse = () => ({ data: null, errors: [] });
    const other: ApolloResultShaping = {
      module: { computeResponse: apollos },
      version: '2.14.5',
      sourceSha256: 'a'.repeat(64),
    };
    const { logger, lines } = capturedLogger('gateway');
    expect(installResultShaping('lean', logger, other)).toBe('apollo');
    expect(other.module.computeResponse).toBe(apollos);
    expect(lines.map(({ level, msg, apolloGateway }) => ({ level, msg, apolloGateway }))).toEqual([
      {
        level: 40,
        msg: 'RESULT_SHAPING=lean follows the result shaping of @apollo/gateway 2.14.4 and this installation’s differs; Apollo’s own is used',
        apolloGateway: '2.14.5',
      },
    ]);
  });

  it('starts with a warning, not a crash, when Apollo’s module is not where 2.14 keeps it', () => {
    const { logger, lines } = capturedLogger('gateway');
    const missing = new Error("Cannot find module '@apollo/gateway/dist/resultShaping.js'");
    expect(installResultShaping('lean', logger, missing)).toBe('apollo');
    expect(installResultShaping('apollo', logger, missing)).toBe('apollo');
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 40, msg: 'RESULT_SHAPING=lean: Apollo’s result shaping was not found; Apollo’s own is used' },
    ]);
  });
});
