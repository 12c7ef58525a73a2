// Logs of the call as program output: decoded as `emit Name(args)` against the compiled ABIs, raw topics
// and data otherwise; logs of calls a failure undid are left out (they never happened on chain).
import { decodeEventLog, type Abi } from 'viem';
import type { OutputLine } from '../../core/execution.ts';
import type { AbiItem } from '../build/compile.ts';
import type { Recording } from '../record/recording.ts';
import { bytesToHex, formatValue } from '../run/abi.ts';
import { word } from './steps.ts';

export function eventOutput(rec: Recording, revertedAt: Float64Array, abis: readonly (readonly AbiItem[])[]): OutputLine[] {
  const ctxOf = rec.context.data;
  const out: OutputLine[] = [];
  for (const log of rec.logs) {
    if (revertedAt[ctxOf[log.step]!]! < Infinity) continue;
    let text = `log from ${log.address}: topics [${log.topics.map(word).join(', ')}] data ${bytesToHex(log.data)}`;
    for (const abi of abis) {
      try {
        const decoded = decodeEventLog({ abi: abi as Abi, topics: log.topics.map(word) as [`0x${string}`], data: bytesToHex(log.data) as `0x${string}` });
        const args = decoded.args as unknown;
        const rendered = Array.isArray(args) ? args.map(formatValue).join(', ')
          : args && typeof args === 'object' ? Object.entries(args).map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ') : '';
        text = `emit ${decoded.eventName}(${rendered})`;
        break;
      } catch {
        // not this ABI
      }
    }
    out.push({ step: log.step, text });
  }
  return out;
}
