// The OpenAPI 3.1 description of the operator API (GET /openapi.json), made from the route table that
// fastify validates requests with.
import { COMPONENT_SCHEMAS, type JsonSchema, ROUTES, type RouteSpec } from './api-spec.js';

type Document = Record<string, unknown>;

/** `/api/rooms/:room/members/:id/mute` → `/api/rooms/{room}/members/{id}/mute` */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parameters(route: RouteSpec): Document[] {
  const out: Document[] = [];
  const add = (where: 'path' | 'query', schema: JsonSchema | undefined) => {
    const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property as { description?: string };
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  };
  add('path', route.params);
  add('query', route.querystring);
  return out;
}

function operation(route: RouteSpec): Document {
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    ...(route.auth === 'token' ? {} : { security: [] }),
    ...(params.length === 0 ? {} : { parameters: params }),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: (route.body.required as string[] | undefined)?.length !== undefined,
            content: { 'application/json': { schema: route.body } },
          },
        }),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([code, response]) => [
        code,
        {
          description: response.description,
          ...(response.schema === undefined
            ? {}
            : { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }),
        },
      ]),
    ),
  };
}

export function openApiDocument(version: string): Document {
  const paths: Record<string, Record<string, Document>> = {};
  for (const route of Object.values(ROUTES) as RouteSpec[]) {
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'dynconf operator API',
      version,
      description:
        'Watch and steer the conference rooms of a dynconf controller. Every route except the health checks, ' +
        'this document, the dashboard files and the sign-in needs the bearer token of the configuration ' +
        '(http.token).',
    },
    tags: [
      { name: 'health', description: 'For container runtimes and load balancers; no token' },
      { name: 'rooms', description: 'Rooms, members and administrators' },
      { name: 'history', description: 'The call history: every administrator session and invitation' },
      { name: 'operations', description: 'Status and metrics' },
      { name: 'dashboard', description: 'What the web dashboard uses' },
    ],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'http.token of the configuration' },
        dashboardCookie: { type: 'apiKey', in: 'cookie', name: 'dynconf_session' },
      },
      schemas: COMPONENT_SCHEMAS,
    },
  };
}
