// `{placeholder}` templates of the routing rules (dial string, caller ID). Parsed and checked once when the
// configuration is validated; rendering only substitutes known placeholders with already-validated values.

export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: string };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** Placeholder names used, in order of first use. */
  readonly placeholders: readonly string[];
}

export type TemplateResult = { ok: true; template: Template } | { ok: false; message: string };

/** Placeholders a route template may use: `{1}`…`{9}` are the pattern's capture groups. */
export const ROUTE_PLACEHOLDERS = [
  'number',
  // The administrator's domain (its channel's domain_name): user/{number}@{domain} on a multi-tenant PBX.
  'domain',
  'gateway',
  'callerIdNumber',
  'callerIdName',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
] as const;

export interface TemplateRules {
  /** Placeholders allowed in this template. */
  readonly allowed: readonly string[];
  /** Characters allowed in the literal text (tested one character at a time). */
  readonly literal: RegExp;
  /** Words for the error message, e.g. `letters, digits and . / @ : + = ; % * # - _`. */
  readonly literalDescription: string;
}

export function parseTemplate(source: string, rules: TemplateRules): TemplateResult {
  const parts: TemplatePart[] = [];
  const placeholders: string[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '}') return { ok: false, message: `has a "}" without "{" at position ${i + 1}` };
    if (ch === '{') {
      const end = source.indexOf('}', i + 1);
      if (end < 0) return { ok: false, message: `has a "{" without "}" at position ${i + 1}` };
      const name = source.slice(i + 1, end);
      if (!rules.allowed.includes(name)) {
        return {
          ok: false,
          message: `uses unknown placeholder {${name}} (known: ${rules.allowed.map((p) => `{${p}}`).join(' ')})`,
        };
      }
      if (literal.length > 0) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push({ kind: 'placeholder', name });
      if (!placeholders.includes(name)) placeholders.push(name);
      i = end + 1;
      continue;
    }
    if (!rules.literal.test(ch)) {
      return {
        ok: false,
        message: `contains ${JSON.stringify(ch)} at position ${i + 1}; outside placeholders only ${rules.literalDescription} are allowed`,
      };
    }
    literal += ch;
    i++;
  }
  if (literal.length > 0) parts.push({ kind: 'literal', text: literal });
  return { ok: true, template: { source, parts, placeholders } };
}

/** Substitutes placeholders; a placeholder without a value becomes the empty string. */
export function renderTemplate(
  template: Template,
  values: Readonly<Record<string, string | undefined>>,
): string {
  let out = '';
  for (const part of template.parts) out += part.kind === 'literal' ? part.text : (values[part.name] ?? '');
  return out;
}

/** Dial strings: endpoint paths and SIP URI parts; no spaces, quotes, commas, `|`, `$`, brackets. */
export const DIAL_STRING_RULES: TemplateRules = {
  allowed: ROUTE_PLACEHOLDERS,
  literal: /^[A-Za-z0-9_./@:+=;%*#-]$/,
  literalDescription: 'letters, digits and _ . / @ : + = ; % * # -',
};

export const CALLER_ID_NUMBER_RULES: TemplateRules = {
  allowed: ROUTE_PLACEHOLDERS,
  literal: /^[A-Za-z0-9+*#._-]$/,
  literalDescription: 'letters, digits and + * # . _ -',
};

export const CALLER_ID_NAME_RULES: TemplateRules = {
  allowed: ROUTE_PLACEHOLDERS,
  literal: /^[\p{L}\p{N} ._()@+-]$/u,
  literalDescription: 'letters, digits, spaces and . _ ( ) @ + -',
};
