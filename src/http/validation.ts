// Turns a schema validation failure into one sentence that names the field and says what it must be.

export interface SchemaError {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** What each field must be, in words (instead of the pattern of api-spec.ts it failed). */
const RULES: Readonly<Record<string, string>> = {
  room: 'room must be 1 to 64 characters of A-Z a-z 0-9 _ . -',
  id: 'member id must be a whole number (the Member-ID shown in the room list)',
  number: 'number must be 1 to 32 digits (0-9 * #), optionally starting with +',
  token: 'token must be a string of at most 1024 characters',
};

const PLACE: Readonly<Record<string, string>> = {
  body: 'the body',
  params: 'the path',
  querystring: 'the query',
};

export function validationMessage(errors: readonly SchemaError[], context: string | undefined): string {
  const error = errors[0];
  if (error === undefined) return 'invalid request';
  const where = PLACE[context ?? ''] ?? 'the request';
  const field = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  switch (error.keyword) {
    case 'required':
      return `${where} must have a "${String(error.params?.missingProperty)}" field`;
    case 'additionalProperties':
      return `${where} has an unknown field "${String(error.params?.additionalProperty)}"`;
    case 'type':
      if (field === '') return `${where} must be a JSON ${String(error.params?.type)}`;
      break;
    default:
      break;
  }
  const rule = RULES[field];
  if (rule !== undefined) return rule;
  return `${field === '' ? where : field} ${error.message ?? 'is invalid'}`;
}
