// The transcript the demo prints as it goes: virtual time, who does what, what they hear, where they are.
import type { TextSink } from '../cli/io.js';
import type { Clock } from '../clock.js';
import type { Style } from './style.js';

export class Transcript {
  readonly #out: TextSink;
  readonly #clock: Clock;
  readonly #startedAt: number;
  #last = 0;

  constructor(
    out: TextSink,
    readonly style: Style,
    clock: Clock,
  ) {
    this.#out = out;
    this.#clock = clock;
    this.#startedAt = clock.now();
  }

  /** Virtual seconds since the demo started. */
  seconds(): number {
    return (this.#clock.now() - this.#startedAt) / 1000;
  }

  /** A line without a time column. */
  plain(text = ''): void {
    this.#out.write(`${text}\n`);
  }

  section(title: string): void {
    const rule = '─'.repeat(Math.max(4, 72 - title.length));
    this.plain();
    this.plain(this.style.bold(`── ${title} ${rule}`));
  }

  step(number: number, title: string): void {
    this.#line(this.style.bold(`${number}. ${title}`));
  }

  action(text: string): void {
    this.#line(`   ${text}`);
  }

  hears(who: string, what: string, at?: number): void {
    this.#line(`   ${who} hears: ${this.style.cyan(what)}`, at);
  }

  /** Something that happened on its own: a phone rang, answered, hung up. */
  happened(text: string): void {
    this.#line(`   ${this.style.yellow(text)}`);
  }

  check(text: string): void {
    this.#line(`   ${this.style.green('✓')} ${text}`);
  }

  /** Where every call is after a step. */
  where(text: string): void {
    this.#line(`   ${this.style.magenta('now:')} ${this.style.dim(text)}`);
  }

  note(text: string): void {
    this.#line(`   ${this.style.dim(text)}`);
  }

  /** A controller log line (--verbose). */
  log(text: string): void {
    this.#line(`   ${this.style.dim(`· ${text}`)}`);
  }

  failure(title: string, details: readonly string[]): void {
    this.#line(this.style.red(this.style.bold(`✗ ${title}`)));
    for (const detail of details) this.#line(`   ${this.style.red(detail)}`);
  }

  /** Columns padded to their widest cell; the first row is the heading. */
  table(rows: ReadonlyArray<readonly string[]>): void {
    const widths: number[] = [];
    for (const row of rows) {
      row.forEach((cell, i) => {
        widths[i] = Math.max(widths[i] ?? 0, cell.length);
      });
    }
    rows.forEach((row, index) => {
      const text = row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('   ');
      this.plain(`   ${index === 0 ? this.style.bold(text) : text}`);
    });
  }

  #line(text: string, at?: number): void {
    // Never backwards: a sound heard a moment before it was noticed prints at the time of the line before.
    const seconds = Math.max(this.#last, at === undefined ? this.seconds() : (at - this.#startedAt) / 1000);
    this.#last = seconds;
    const time = `${seconds.toFixed(1)}s`.padStart(7);
    this.#out.write(`${this.style.dim(time)}  ${text}\n`);
  }
}
