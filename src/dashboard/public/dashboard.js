// dynconf dashboard: rooms, members and administrators, live from GET /api/events (server-sent events),
// with the operator's controls. Plain browser JavaScript, no build step, no dependencies.

const $ = (id) => document.getElementById(id);

const ACTIVITY_TEXT = {
  'in-room': 'in the room',
  dialing: 'dialing',
  ringing: 'ringing',
  'talking-privately': 'talking privately',
  voicemail: 'reached voicemail',
  'restoring-call': 'restoring the call',
};

const OUTCOME_TEXT = {
  answered: 'answered and joined',
  no_answer: 'did not answer',
  busy: 'was busy',
  rejected: 'rejected the call',
  unreachable: 'could not be reached',
  invalid_number: 'is not a valid number',
  not_allowed: 'is not allowed',
  voicemail: 'went to voicemail',
  cancelled: 'was cancelled',
  failed: 'could not be called',
};

/** Element helper: h('td', { class: 'x', 'data-a': 1 }, child, 'text'). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    // data-* attributes carry their value ("true"/"false"); other booleans are present or absent.
    if (name.startsWith('data-')) el.setAttribute(name, String(value));
    else if (value === false) continue;
    else if (name === 'text') el.textContent = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
}

/** Replaces an element's children, leaving out the null ones (replaceChildren would write "null"). */
function fill(el, ...children) {
  el.replaceChildren(...children.filter((child) => child !== null && child !== undefined));
}

function toast(text, bad) {
  const el = h('div', { class: bad ? 'toast bad' : 'toast', role: 'status', text });
  const toasts = $('toasts');
  toasts.append(el);
  // A burst of notices shows the latest few.
  while (toasts.children.length > 3) toasts.firstElementChild.remove();
  setTimeout(() => el.remove(), bad ? 7000 : 4500);
}

function show(id, visible) {
  $(id).hidden = !visible;
}

/** True while FreeSWITCH cannot be reached: the rooms shown are as they were, and their controls are off. */
let stale = false;

const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** `4 s`, `3 min 05 s`, `1 h 02 min`: how long since `iso`. */
function since(iso) {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

// Durations run on without waiting for the next update.
setInterval(() => {
  for (const el of document.querySelectorAll('[data-since]')) el.textContent = since(el.dataset.since);
}, 1000);

// ---- talking to dynconf ----------------------------------------------------------------------------

async function send(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body || {}),
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    signedOut();
    throw new Error('signed out');
  }
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = data.detail ? ` (${data.detail})` : '';
    throw new Error((data.error || `HTTP ${response.status}`) + detail);
  }
  return data;
}

/** Sends the request from a button (disabled meanwhile); true when dynconf did it, else a red notice. */
async function act(button, url, body, doneText, method) {
  button.disabled = true;
  try {
    await send(method || 'POST', url, body);
    if (doneText) toast(doneText);
    return true;
  } catch (err) {
    if (err.message !== 'signed out') toast(err.message, true);
    return false;
  } finally {
    button.disabled = stale;
  }
}

const roomUrl = (room) => `/api/rooms/${encodeURIComponent(room)}`;

// ---- rendering -------------------------------------------------------------------------------------

/** Room cards by name, kept across updates so a half-typed number in an invite form survives. */
const cards = new Map();

function who(member) {
  const number = member.number || 'unknown caller';
  const name = member.name && member.name !== member.number ? member.name : '';
  return { number, name };
}

function memberRow(room, member) {
  const { number, name } = who(member);
  const talk = member.muted ? 'talk off' : member.talking ? 'talk on' : 'talk';
  const talkLabel = member.muted ? 'muted' : member.talking ? 'talking' : 'silent';
  const base = `${roomUrl(room)}/members/${member.id}`;
  const toggle = member.muted
    ? h('button', {
        type: 'button',
        'data-action': 'unmute',
        text: 'Unmute',
        onclick: (e) => act(e.currentTarget, `${base}/unmute`),
      })
    : h('button', {
        type: 'button',
        'data-action': 'mute',
        text: 'Mute',
        onclick: (e) => act(e.currentTarget, `${base}/mute`),
      });
  const kick = h('button', {
    type: 'button',
    class: 'danger',
    'data-action': 'kick',
    text: 'Remove',
    title: 'Remove from the room (their call ends)',
    onclick: (e) => act(e.currentTarget, `${base}/kick`, {}, `${number} removed`),
  });
  return h(
    'tr',
    {
      class: member.muted ? 'muted' : '',
      'data-member-id': member.id,
      'data-talking': member.talking,
      'data-muted': member.muted,
    },
    h('td', {}, h('span', { class: talk, title: talkLabel, 'aria-label': talkLabel, 'data-testid': 'talk' })),
    h(
      'td',
      { class: 'who' },
      number,
      name ? h('small', { text: name }) : null,
      member.administrator ? ' ' : null,
      member.administrator ? h('span', { class: 'tag tag-admin', text: 'administrator' }) : null,
      member.muted ? h('span', { class: 'state-muted', text: 'muted' }) : null,
      member.talking ? h('span', { class: 'state-talking', text: 'talking' }) : null,
      member.joinedAt
        ? h(
            'small',
            { class: 'joined', title: `joined ${member.joinedAt}` },
            `joined ${hhmm(member.joinedAt)} · `,
            h('span', { 'data-since': member.joinedAt, text: since(member.joinedAt) }),
          )
        : null,
    ),
    h('td', { class: 'acts' }, toggle, ' ', kick),
  );
}

/** What an administrator away from the room is doing that the operator may end (`*#` for them). */
const RETURNABLE = new Set(['ringing', 'talking-privately', 'voicemail']);

function adminLine(room, admin) {
  const label = ACTIVITY_TEXT[admin.activity] || admin.activity;
  const whom = admin.invitee?.number ? ` ${admin.invitee.number}` : '';
  const back = RETURNABLE.has(admin.activity)
    ? h('button', {
        type: 'button',
        'data-action': 'return',
        text: admin.activity === 'ringing' ? 'Cancel call' : 'End call',
        title: 'Hang up the call the administrator placed; they go back to the room',
        onclick: (e) =>
          act(
            e.currentTarget,
            `${roomUrl(room)}/administrators/${encodeURIComponent(admin.uuid)}/return`,
            {},
            `${admin.number || 'The administrator'} is back in the room`,
          ),
      })
    : null;
  return h(
    'li',
    { 'data-admin': admin.uuid, 'data-activity': admin.activity },
    h('span', { class: 'tag tag-admin', text: 'administrator' }),
    h('strong', { text: admin.number || 'unknown' }),
    h('span', { class: `activity activity-${admin.activity}`, text: label + whom }),
    back,
  );
}

function newCard(name) {
  const input = h('input', {
    type: 'tel',
    name: 'number',
    placeholder: 'number to call into this room',
    'aria-label': `number to invite into ${name}`,
    pattern: '\\+?[0-9*#]{1,32}',
    required: true,
  });
  const form = h(
    'form',
    { class: 'invite', autocomplete: 'off' },
    input,
    h('button', { type: 'submit', class: 'primary', text: 'Invite' }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button');
    const number = input.value.trim();
    // The number stays typed when the call could not be placed (to correct it, or try again).
    if (await act(button, `${roomUrl(name)}/invite`, { number }, `Calling ${number}…`)) input.value = '';
  });
  const head = h('div', { class: 'room-head' });
  const admins = h('ul', { class: 'admins' });
  const members = h('div', {});
  const invites = h('ul', { class: 'invites' });
  const card = h('article', { class: 'room', 'data-room': name }, head, admins, members, invites, form);
  return { card, head, admins, members, invites };
}

function renderHead(parts, room) {
  const lock = room.locked
    ? h('button', {
        type: 'button',
        'data-action': 'unlock',
        text: 'Unlock',
        onclick: (e) => act(e.currentTarget, `${roomUrl(room.name)}/unlock`),
      })
    : h('button', {
        type: 'button',
        'data-action': 'lock',
        text: 'Lock',
        title: 'Nobody new can join',
        onclick: (e) => act(e.currentTarget, `${roomUrl(room.name)}/lock`),
      });
  const end = h('button', {
    type: 'button',
    class: 'danger',
    'data-action': 'end',
    text: 'End',
    title: 'Hang up every member',
    onclick: (e) => {
      if (window.confirm(`End room ${room.name}? Every member is hung up.`)) {
        act(e.currentTarget, `${roomUrl(room.name)}/end`, {}, `Room ${room.name} ended`);
      }
    },
  });
  const muteAll = h('button', {
    type: 'button',
    'data-action': 'mute-all',
    text: 'Mute all',
    title: 'Mute everyone but the administrator',
    onclick: (e) => act(e.currentTarget, `${roomUrl(room.name)}/mute-all`, {}, 'Everyone muted'),
  });
  const unmuteAll = h('button', {
    type: 'button',
    'data-action': 'unmute-all',
    text: 'Unmute all',
    onclick: (e) => act(e.currentTarget, `${roomUrl(room.name)}/unmute-all`, {}, 'Everyone unmuted'),
  });
  const count = `${room.memberCount} member${room.memberCount === 1 ? '' : 's'}`;
  fill(
    parts.head,
    h('h2', { text: roomTitle(room), title: room.name }),
    h('span', { class: 'count', text: count }),
    room.locked ? h('span', { class: 'tag tag-locked', text: 'locked' }) : null,
    room.live ? null : h('span', { class: 'tag tag-away', text: 'administrator away' }),
    room.live ? h('span', { class: 'tools' }, muteAll, unmuteAll, lock, end) : null,
  );
}

/** "1001's room, since 10:42": whose room and since when (the raw name is on hover). */
function roomTitle(room) {
  const admin = room.administrators[0];
  const owner = admin ? `${admin.number || admin.name || 'Administrator'}'s room` : room.name;
  const start = room.createdAt || admin?.since;
  return start ? `${owner}, since ${hhmm(start)}` : owner;
}

function renderRoom(parts, room) {
  renderHead(parts, room);
  // Each person once: an administrator in the room is a member row (tagged); the list is for those away.
  const memberUuids = new Set(room.members.map((m) => m.uuid));
  const away = room.administrators.filter((a) => !memberUuids.has(a.uuid));
  parts.admins.hidden = away.length === 0;
  parts.admins.replaceChildren(...away.map((a) => adminLine(room.name, a)));
  const empty = room.live
    ? 'Nobody in the room right now.'
    : 'The room is empty while its administrator is away; it opens again when they come back.';
  fill(
    parts.members,
    room.members.length === 0
      ? h('p', { class: 'no-members', text: empty })
      : h('table', { class: 'members' }, h('tbody', {}, ...room.members.map((m) => memberRow(room.name, m)))),
  );
  parts.invites.replaceChildren(
    ...room.invitations.map((i) =>
      h(
        'li',
        { 'data-invitation': i.uuid },
        `Calling ${i.number}… `,
        h('button', {
          type: 'button',
          'data-action': 'cancel',
          text: 'Cancel',
          onclick: (e) =>
            act(
              e.currentTarget,
              `${roomUrl(room.name)}/invitations/${encodeURIComponent(i.uuid)}`,
              undefined,
              `Call to ${i.number} cancelled`,
              'DELETE',
            ),
        }),
      ),
    ),
  );
}

/**
 * The pill's words for nodes not connected: what is wrong (a refused password says what to check) and since
 * when; with several nodes, which node, and how many more are down.
 */
function downText(payload) {
  const nodes = payload.nodes || [];
  const down = nodes.filter((n) => n.connection !== 'connected');
  const first = down[0];
  if (!first) return `FreeSWITCH ${payload.connection}`;
  const who = nodes.length > 1 ? `FreeSWITCH ${first.id}` : 'FreeSWITCH';
  const since = first.since ? ` since ${new Date(first.since).toLocaleTimeString()}` : '';
  const reason = first.reason || `event socket ${first.connection}`;
  const what = reason.startsWith('event socket') ? `down${since} (${first.connection})` : `${reason}${since}`;
  const more = down.length > 1 ? ` (+${down.length - 1} more down)` : '';
  return `${who}: ${what}${more}`;
}

function render(payload) {
  const link = $('link');
  if (payload.connection !== 'connected') {
    link.className = 'pill pill-bad';
    link.textContent = downText(payload);
    link.title = (payload.nodes || [])
      .map(
        (n) =>
          `${n.id}: ${n.connection}${n.since ? ` since ${n.since}` : ''}${n.reason ? ` — ${n.reason}` : ''}`,
      )
      .join('\n');
  } else if (!payload.synced) {
    link.className = 'pill pill-wait';
    link.textContent = 'reading rooms…';
  } else {
    link.className = 'pill pill-ok';
    link.textContent = 'live';
  }
  if (payload.connection === 'connected') link.title = '';
  // FreeSWITCH unreachable: the rooms stay as last seen, greyed, their controls off, and say as of when.
  stale = payload.connection !== 'connected';
  if (!stale) lastLive = new Date();
  const container = $('rooms');
  container.classList.toggle('stale', stale);
  const note = $('stale-note');
  note.hidden = !stale || payload.rooms.length === 0;
  note.textContent = stale ? `As of ${lastLive.toLocaleTimeString()}: FreeSWITCH cannot be reached.` : '';
  const members = payload.rooms.reduce((n, r) => n + r.memberCount, 0);
  $('summary').textContent =
    `${payload.rooms.length} room${payload.rooms.length === 1 ? '' : 's'} · ${members} member${members === 1 ? '' : 's'}`;

  const names = new Set(payload.rooms.map((r) => r.name));
  for (const [name, parts] of cards) {
    if (!names.has(name)) {
      parts.card.remove();
      cards.delete(name);
    }
  }
  payload.rooms.forEach((room, index) => {
    let parts = cards.get(room.name);
    if (!parts) {
      parts = newCard(room.name);
      cards.set(room.name, parts);
    }
    renderRoom(parts, room);
    if (container.children[index] !== parts.card)
      container.insertBefore(parts.card, container.children[index] || null);
  });
  show('empty', payload.rooms.length === 0 && $('history').hidden);
  for (const control of container.querySelectorAll('button, input')) control.disabled = stale;
}

/** When the rooms were last seen with FreeSWITCH connected. */
let lastLive = new Date();

// ---- live stream and signing in ----------------------------------------------------------------------

let stream = null;

function connect() {
  if (stream) stream.close();
  show('sign-in', false);
  show('sign-out', true);
  show('history-toggle', true);
  stream = new EventSource('/api/events');
  stream.addEventListener('rooms', (e) => render(JSON.parse(e.data)));
  stream.addEventListener('notice', (e) => {
    const notice = JSON.parse(e.data);
    if (notice.kind === 'invitation') {
      const text = OUTCOME_TEXT[notice.outcome] || notice.outcome;
      toast(`${notice.number} ${text}`, notice.outcome !== 'answered');
    }
  });
  stream.addEventListener('error', () => {
    const link = $('link');
    link.className = 'pill pill-bad';
    link.textContent = 'dynconf unreachable, retrying…';
    // A stream refused for good (signed out, token changed) is closed by the browser: find out why.
    if (stream.readyState === EventSource.CLOSED) check();
  });
}

function signedOut() {
  if (stream) stream.close();
  stream = null;
  cards.clear();
  $('rooms').replaceChildren();
  show('empty', false);
  show('sign-out', false);
  show('history-toggle', false);
  show('history', false);
  show('sign-in', true);
  const link = $('link');
  link.className = 'pill pill-wait';
  link.textContent = 'signed out';
  $('token').focus();
}

async function check() {
  try {
    const response = await fetch('/api/rooms', { credentials: 'same-origin' });
    if (response.status === 401) return signedOut();
    if (response.status === 403) {
      show('off', true);
      $('link').textContent = 'API off';
      return;
    }
    render(await response.json());
    connect();
  } catch {
    setTimeout(check, 3000);
  }
}

// ---- the call history -------------------------------------------------------------------------------

const SESSION_OUTCOME_TEXT = {
  'admin-hung-up': 'hung up',
  'pin-failed': 'wrong PIN',
  'locked-out': 'locked out',
  'call-restored': 'back to the call',
  'other-party-gone': 'other party gone',
  'service-error': 'service error',
};

/** The cursor of the next (older) page of the history shown, or null. */
let historyNext = null;

function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}

function duration(ms) {
  if (ms === null || ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function invitationLine(invitation) {
  const outcome = invitation.refused
    ? `refused (${invitation.outcome})`
    : (invitation.outcome || 'in progress').replace(/-/g, ' ');
  const by = invitation.source === 'operator' ? ' · by the operator' : '';
  return h(
    'li',
    { 'data-number': invitation.number, 'data-outcome': invitation.outcome || 'open' },
    h('span', { class: 'number', text: invitation.number }),
    ` ${outcome}${by}`,
  );
}

function historyRow(session) {
  const who = [session.callerNumber, session.callerName].filter(Boolean).join(' ') || 'unknown caller';
  const tenant = session.tenant ? ` (${session.tenant})` : '';
  return h(
    'tr',
    { 'data-session': session.id },
    h('td', { text: clock(session.startedAt), title: session.startedAt }),
    h('td', { text: `${who}${tenant}`, title: session.room }),
    h('td', {}, h('ul', { class: 'calls' }, ...session.invitations.map(invitationLine))),
    h('td', {
      text: session.outcome ? SESSION_OUTCOME_TEXT[session.outcome] || session.outcome : 'in progress',
    }),
    h('td', { text: duration(session.durationMs) }),
  );
}

async function loadHistory(more) {
  $('history-error').textContent = '';
  const query = new URLSearchParams();
  for (const name of ['caller', 'number', 'outcome', 'from']) {
    const value = $(`history-${name}`).value.trim();
    if (value !== '') query.set(name, value);
  }
  if (more && historyNext) query.set('cursor', historyNext);
  try {
    const response = await fetch(`/api/history?${query}`, { credentials: 'same-origin' });
    if (response.status === 401) return signedOut();
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    const rows = data.sessions.map(historyRow);
    if (more) $('history-rows').append(...rows);
    else fill($('history-rows'), ...rows);
    historyNext = data.next;
    show('history-more', historyNext !== null);
    show('history-empty', $('history-rows').children.length === 0);
  } catch (err) {
    $('history-error').textContent = err.message;
  }
}

$('history-toggle').addEventListener('click', () => {
  const open = $('history').hidden;
  show('history', open);
  $('history-toggle').setAttribute('aria-expanded', String(open));
  $('history-toggle').textContent = open ? 'Rooms' : 'History';
  show('rooms', !open);
  if (open) {
    show('empty', false);
    loadHistory(false);
  }
});
$('history-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loadHistory(false);
});
$('history-more').addEventListener('click', () => loadHistory(true));

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('sign-in-error').textContent = '';
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: $('token').value }),
    credentials: 'same-origin',
  });
  if (response.status === 204) {
    $('token').value = '';
    check();
    return;
  }
  const data = await response.json().catch(() => ({}));
  $('sign-in-error').textContent = data.error || `HTTP ${response.status}`;
});

$('sign-out').addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  signedOut();
});

check();
