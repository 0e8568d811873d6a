// Where a dialed number goes: the first routing rule whose pattern matches the whole number decides.
// The digits are checked before anything is templated, so a dial string only ever holds 0-9 * # + from the
// caller, plus the operator's validated literal text.
import type { RouteRule } from './config/schema.js';
import {
  CALLER_ID_NAME_RULES,
  CALLER_ID_NUMBER_RULES,
  DIAL_STRING_RULES,
  parseTemplate,
  renderTemplate,
  type Template,
  type TemplateRules,
} from './config/template.js';

/** Longest number accepted (E.164 is 15 digits; room for trunk prefixes and service codes). */
export const MAX_DIALED_DIGITS = 32;

const DIALED_PATTERN = new RegExp(`^\\+?[0-9*#]{1,${MAX_DIALED_DIGITS}}$`);
/** Defence in depth: what a rendered dial string may hold. */
const SAFE_DIAL_STRING = /^[a-z][a-z0-9_]*\/[A-Za-z0-9_./@:+=;%*#-]*$/;

export interface AllowedRouteDecision {
  readonly allowed: true;
  /** `name` of the rule, or `route-<position>` (1-based). */
  readonly ruleName: string;
  /** The number as dialed (validated). */
  readonly number: string;
  readonly dialString: string;
  readonly callerIdNumber?: string;
  readonly callerIdName?: string;
  readonly gateway?: string;
  readonly ringTimeoutMs: number;
  readonly answerSupervision: boolean;
}

export type RefusalReason = 'no-route' | 'denied' | 'invalid-number';

export interface RefusedRouteDecision {
  readonly allowed: false;
  readonly reason: RefusalReason;
  /** The rule that refused the number (only for `denied`). */
  readonly ruleName?: string;
}

export type RouteDecision = AllowedRouteDecision | RefusedRouteDecision;

/** The administrator's own caller ID, offered to the caller-ID templates as {callerIdNumber}/{callerIdName}. */
export interface CallerContext {
  readonly callerIdNumber?: string;
  readonly callerIdName?: string;
  /** The administrator's domain (`domain_name`), for {domain}. */
  readonly domain?: string;
}

interface CompiledRule {
  readonly pattern: RegExp;
  /** Absent only for rules that refuse (allow: false). */
  readonly dialString?: Template;
  readonly callerIdNumber?: Template;
  readonly callerIdName?: Template;
}

const compiled = new WeakMap<RouteRule, CompiledRule>();

function mustParse(source: string, rules: TemplateRules, what: string): Template {
  const parsed = parseTemplate(source, rules);
  if (!parsed.ok)
    throw new TypeError(`routing rule ${what} ${parsed.message} (rules must come from parseConfig)`);
  return parsed.template;
}

function compile(rule: RouteRule): CompiledRule {
  const cached = compiled.get(rule);
  if (cached !== undefined) return cached;
  const entry: CompiledRule = {
    // The pattern must match the whole number: an allow rule for "8\d\d" must not allow "98001".
    pattern: new RegExp(`^(?:${rule.pattern})$`),
    ...(rule.dialString === undefined
      ? {}
      : { dialString: mustParse(rule.dialString, DIAL_STRING_RULES, 'dialString') }),
    ...(rule.callerIdNumber === undefined
      ? {}
      : { callerIdNumber: mustParse(rule.callerIdNumber, CALLER_ID_NUMBER_RULES, 'callerIdNumber') }),
    ...(rule.callerIdName === undefined
      ? {}
      : { callerIdName: mustParse(rule.callerIdName, CALLER_ID_NAME_RULES, 'callerIdName') }),
  };
  compiled.set(rule, entry);
  return entry;
}

/** A domain as FreeSWITCH's users live in it: letters, digits, `.` and `-` (anything else dropped). */
function cleanDomain(value: string | undefined): string {
  return (value ?? '').replace(/[^A-Za-z0-9.-]/g, '').slice(0, 253);
}

/** Keeps only the characters a caller-ID number may carry. */
function cleanNumber(value: string | undefined): string {
  return (value ?? '').replace(/[^A-Za-z0-9+*#._-]/g, '').slice(0, 32);
}

/** Keeps letters, digits, spaces and . _ ( ) @ + - ; drops quotes, braces, commas and control characters. */
function cleanName(value: string | undefined): string {
  return (value ?? '')
    .replace(/[^\p{L}\p{N} ._()@+-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 64);
}

export function isDialableNumber(digits: string): boolean {
  return DIALED_PATTERN.test(digits);
}

export function resolveRoute(
  routes: readonly RouteRule[],
  dialedDigits: string,
  caller: CallerContext = {},
): RouteDecision {
  if (!isDialableNumber(dialedDigits)) return { allowed: false, reason: 'invalid-number' };
  for (const [index, rule] of routes.entries()) {
    const rules = compile(rule);
    const match = rules.pattern.exec(dialedDigits);
    if (match === null) continue;
    const ruleName = rule.name ?? `route-${index + 1}`;
    if (!rule.allow) return { allowed: false, reason: 'denied', ruleName };
    const values: Record<string, string | undefined> = {
      number: dialedDigits,
      domain: cleanDomain(caller.domain),
      gateway: rule.gateway,
      callerIdNumber: cleanNumber(caller.callerIdNumber),
      callerIdName: cleanName(caller.callerIdName),
    };
    for (let group = 1; group <= 9; group++) values[String(group)] = match[group];
    if (rules.dialString === undefined)
      throw new TypeError(`routing rule ${ruleName} allows calls but has no dialString`);
    // {domain} without a domain would dial user/801@ (no such user anywhere): refused instead.
    if (rules.dialString.placeholders.includes('domain') && values.domain === '')
      return { allowed: false, reason: 'invalid-number' };
    const dialString = renderTemplate(rules.dialString, values);
    if (!SAFE_DIAL_STRING.test(dialString)) return { allowed: false, reason: 'invalid-number' };
    const callerIdNumber =
      rules.callerIdNumber === undefined
        ? undefined
        : cleanNumber(renderTemplate(rules.callerIdNumber, values));
    const callerIdName =
      rules.callerIdName === undefined ? undefined : cleanName(renderTemplate(rules.callerIdName, values));
    return {
      allowed: true,
      ruleName,
      number: dialedDigits,
      dialString,
      ...(callerIdNumber ? { callerIdNumber } : {}),
      ...(callerIdName ? { callerIdName } : {}),
      ...(rule.gateway === undefined ? {} : { gateway: rule.gateway }),
      ringTimeoutMs: rule.ringTimeoutMs,
      answerSupervision: rule.answerSupervision,
    };
  }
  return { allowed: false, reason: 'no-route' };
}
