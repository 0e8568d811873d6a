// Administrator PINs: plain ("1234") or scrypt-hashed ("scrypt$N$r$p$<salt>$<hash>", base64), compared in
// constant time. A PIN is never logged, never put in an error message, never kept in a plain property.
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

/** What an administrator types: digits only, 4 to 16 of them. */
export const PLAIN_PIN_PATTERN = /^[0-9]{4,16}$/;

const HASHED_PIN_PATTERN =
  /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]{16,88}={0,2})\$([A-Za-z0-9+/]{43,88}={0,2})$/;

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB and roughly 0.1 s per hash on a server core. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Memory one hash may use (128·N·r bytes); larger parameters are refused rather than exhausting memory. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

interface HashedPin {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function scryptAsync(secret: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 128 * params.N * params.r + 1024 * 1024;
    scryptCallback(secret, salt, length, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function scryptParamsProblem(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0) {
    return 'N must be a power of two between 1024 and 1048576';
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be between 1 and 32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be between 1 and 16';
  if (128 * N * r > MAX_SCRYPT_MEMORY) return 'N × r is too large (more than 256 MiB per hash)';
  return undefined;
}

function parseHashedPin(entry: string): { ok: true; value: HashedPin } | { ok: false; problem: string } {
  const match = HASHED_PIN_PATTERN.exec(entry);
  if (match === null) return { ok: false, problem: 'is not of the form scrypt$N$r$p$salt$hash' };
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) return { ok: false, problem };
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const hash = Buffer.from(match[5] ?? '', 'base64');
  if (salt.length < 8) return { ok: false, problem: 'salt is shorter than 8 bytes' };
  if (hash.length < 16) return { ok: false, problem: 'hash is shorter than 16 bytes' };
  return { ok: true, value: { params, salt, hash } };
}

export function isHashedPin(entry: string): boolean {
  return entry.startsWith('scrypt$');
}

/**
 * Why a configured PIN entry is unusable, or undefined when it is fine. The message never contains the
 * entry itself.
 */
export function pinEntryProblem(entry: string): string | undefined {
  if (isHashedPin(entry)) {
    const parsed = parseHashedPin(entry);
    return parsed.ok ? undefined : `is not a valid scrypt hash: ${parsed.problem}`;
  }
  if (!PLAIN_PIN_PATTERN.test(entry)) {
    return 'must be 4 to 16 digits, or an scrypt hash made by `dynconf hash-pin`';
  }
  return undefined;
}

/** Hashes a PIN for the configuration file (what `dynconf hash-pin` prints). */
export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (!PLAIN_PIN_PATTERN.test(pin)) throw new RangeError('a PIN must be 4 to 16 digits');
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) throw new RangeError(`invalid scrypt parameters: ${problem}`);
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scryptAsync(pin, salt, KEY_LENGTH, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

type Entry =
  | { readonly kind: 'plain'; readonly digest: Buffer }
  | { readonly kind: 'hashed'; readonly pin: HashedPin };

/**
 * Checks an entered PIN against every configured PIN. Plain PINs are compared as SHA-256 digests with
 * timingSafeEqual (so length and position of a difference do not show); every entry is always checked,
 * so the time does not tell which entry matched.
 */
export class PinVerifier {
  readonly #entries: readonly Entry[];

  constructor(entries: readonly string[]) {
    this.#entries = entries.map((entry, index) => {
      if (isHashedPin(entry)) {
        const parsed = parseHashedPin(entry);
        if (!parsed.ok)
          throw new RangeError(`adminPins[${index}] is not a valid scrypt hash: ${parsed.problem}`);
        return { kind: 'hashed', pin: parsed.value };
      }
      if (!PLAIN_PIN_PATTERN.test(entry)) throw new RangeError(`adminPins[${index}] is not a valid PIN`);
      return { kind: 'plain', digest: sha256(entry) };
    });
  }

  /** Number of configured PINs. */
  get size(): number {
    return this.#entries.length;
  }

  async verify(candidate: string): Promise<boolean> {
    // Not a secret: anything that cannot be a PIN is refused without comparing.
    if (!PLAIN_PIN_PATTERN.test(candidate)) return false;
    const candidateDigest = sha256(candidate);
    let matched = false;
    for (const entry of this.#entries) {
      let equal: boolean;
      if (entry.kind === 'plain') {
        equal = timingSafeEqual(candidateDigest, entry.digest);
      } else {
        const { params, salt, hash } = entry.pin;
        const derived = await scryptAsync(candidate, salt, hash.length, params);
        equal = timingSafeEqual(derived, hash);
      }
      matched = matched || equal;
    }
    return matched;
  }

  /** Never shows the PINs, whatever serialises this object. */
  toJSON(): string {
    return `[PinVerifier: ${this.#entries.length} PIN(s)]`;
  }
}
