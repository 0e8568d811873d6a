// Terminal colours for the transcript: ANSI escapes when the output is a terminal, plain text otherwise.

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  yellow(text: string): string;
  magenta(text: string): string;
}

const ansi =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

export function createStyle(color: boolean): Style {
  if (!color) {
    return { bold: plain, dim: plain, green: plain, red: plain, cyan: plain, yellow: plain, magenta: plain };
  }
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    green: ansi(32, 39),
    red: ansi(31, 39),
    cyan: ansi(36, 39),
    yellow: ansi(33, 39),
    magenta: ansi(35, 39),
  };
}

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>) {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '';
}

/** Removes ANSI colour escapes (tests compare plain text). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[\d+m/g, '');
}
