/**
 * The emulator as a child process (`dist/emulator/cli.js`), so that neither its memory nor its
 * event loop is counted against the library, and the admin API to read its request log. This
 * process does not trust the emulator's CA globally (NODE_EXTRA_CA_CERTS is read at start), so
 * admin calls pass the CA to `https.request` themselves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { EmulatorUrls, LoggedRequest } from '../emulator';
import { benchNode, profilingArgs } from './node-process';

const CLI = path.resolve(__dirname, '..', 'emulator', 'cli.js');

/** A running emulator process. */
export interface EmulatorProcess {
  urls: EmulatorUrls;
  caPath: string;
  pid: number;
  /** The request log so far (admin calls excluded). */
  requests(): Promise<LoggedRequest[]>;
  /** CPU time (user + system) the process has used so far, ms; null where /proc is not there. */
  cpuMs(): number | null;
  clearRequests(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the emulator CLI on `orgFile` and resolves once it has written its ready file. */
export async function startEmulatorProcess(options: {
  orgFile: string;
  caDir: string;
  latencyMs: number;
  workDir: string;
  /** How long new secrets are refused (AADSTS7000215). @default 0 */
  propagationMs?: number;
}): Promise<EmulatorProcess> {
  const readyFile = path.join(options.workDir, `ready-${process.pid}-${Date.now()}.json`);
  const child = spawn(
    benchNode(),
    [
      ...profilingArgs(),
      CLI,
      '--org',
      options.orgFile,
      '--ca-dir',
      options.caDir,
      '--latency-ms',
      String(options.latencyMs),
      '--ready-file',
      readyFile,
      '--propagation-ms',
      String(options.propagationMs ?? 0),
      // Certificates exist in a real tenant; the emulator would otherwise make them while the
      // client waits (about 0.4 s each), and the benchmark would time the emulator.
      '--warm-certificates',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await waitForFile(readyFile, child, () => stderr);
  const { urls, caPath } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as {
    urls: EmulatorUrls;
    caPath: string;
  };
  const ca = fs.readFileSync(caPath);
  const admin = (method: string, route: string) => adminCall(`${urls.admin}${route}`, method, ca);
  return {
    urls,
    caPath,
    pid: ready,
    requests: async () =>
      (JSON.parse(await admin('GET', 'requests')) as { requests: LoggedRequest[] }).requests,
    cpuMs: () => processCpuMs(ready),
    clearRequests: async () => {
      await admin('DELETE', 'requests');
    },
    stop: () => stopChild(child),
  };
}

async function waitForFile(file: string, child: ChildProcess, stderr: () => string): Promise<number> {
  // Warming a large organization's certificates takes a while on a small machine.
  const deadline = Date.now() + 300_000;
  while (!fs.existsSync(file)) {
    if (child.exitCode !== null || stderr().includes('emulator:')) {
      child.kill('SIGKILL');
      throw new Error(`the emulator failed to start (exit ${child.exitCode}): ${stderr()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the emulator did not start within 300 s: ${stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child.pid ?? 0;
}

/**
 * utime + stime of `pid` from /proc/PID/stat (Linux), in ms. The fields after the command name,
 * which is in parentheses and may hold spaces, are read from the last `)`; /proc counts in
 * USER_HZ, which is 100 on Linux.
 */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line; fields[0] here is field 3 (state).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function adminCall(url: string, method: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method, ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((response.statusCode ?? 500) >= 400)
          reject(new Error(`${method} ${url}: ${response.statusCode} ${body}`));
        else resolve(body);
      });
    });
    request.on('error', reject);
    request.end();
  });
}
