import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** Installed versions of the packages whose behaviour is measured. */
export function packageVersions(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => {
      try {
        const path = findPackageJSON(name, import.meta.url);
        const manifest = path
          ? (JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string })
          : {};
        return [name, manifest.name === name ? (manifest.version ?? 'unknown') : 'unknown'];
      } catch {
        return [name, 'not installed'];
      }
    }),
  );
}
