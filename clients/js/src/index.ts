/**
 * sfa-mirror-client: the client of the SFA Mirror relay (protocol version 1, see docs/protocol.md), with the
 * end-to-end encryption of docs/security.md.
 *
 * One file with no imports on purpose: the build emits one ES module that a browser can load as it is
 * (the relay serves a copy at /lib/sfa-mirror-client.js), and React Native and Node bundle it as usual.
 * The sections: types, the E2E crypto (WebCrypto only), the client.
 */

/** Where the connection is: `open` means connected and, if the client was in a session, back in it. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type Role = 'host' | 'viewer';

/** `not_found`: after a reconnect the session was gone (the server restarted without a shared store, or it expired). */
export type SessionEndReason = 'ended_by_host' | 'expired' | 'kicked' | 'not_found' | 'rejoin_failed';

export type PeerLeftReason = 'left' | 'disconnected' | 'kicked';

/** The relay's error codes (docs/protocol.md, "Errors"): `err.code` of a {@link MirrorError} from the relay. */
export const ErrorCodes = {
  INVALID_JSON: 'INVALID_JSON',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  SESSION_ID_REQUIRED: 'SESSION_ID_REQUIRED',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  NOT_IN_SESSION: 'NOT_IN_SESSION',
  NOT_HOST: 'NOT_HOST',
  SESSION_FULL: 'SESSION_FULL',
  SERVER_BUSY: 'SERVER_BUSY',
  UNSUPPORTED_FRAME: 'UNSUPPORTED_FRAME',
  RATE_LIMITED: 'RATE_LIMITED',
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  AUTH_INVALID: 'AUTH_INVALID',
  NOT_ALLOWED: 'NOT_ALLOWED',
  HOST_SESSION_LIMIT: 'HOST_SESSION_LIMIT',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  SESSION_LOCKED: 'SESSION_LOCKED',
  KICKED: 'KICKED',
  JOIN_KEY_INVALID: 'JOIN_KEY_INVALID',
  JOIN_KEY_REQUIRED: 'JOIN_KEY_REQUIRED',
  E2E_REQUIRED: 'E2E_REQUIRED',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface StateMeta {
  /** The session's update counter: a higher `seq` is newer state. 0 when the server sent none. */
  seq: number;
  sessionId: string;
}

export interface PeerJoinedEvent {
  role: Role;
  members: number;
  /** The joiner's member id ('' from a relay that sends none). */
  memberId: string;
}

export interface PeerLeftEvent {
  role: Role;
  members: number;
  reason: PeerLeftReason;
  memberId: string;
}

export interface JoinPendingEvent {
  sessionId: string;
  memberId: string;
  encryption?: 'e2e';
}

export interface JoinRequestedEvent {
  memberId: string;
  userAgent: string;
}

export interface JoinWithdrawnEvent {
  memberId: string;
  reason: 'left' | 'disconnected' | 'timeout';
}

export interface JoinDeniedEvent {
  reason: 'denied' | 'timeout';
}

export interface SignalEvent {
  from: string;
  data: unknown;
}

/**
 * The 6-digit comparison string of one pairing (docs/security.md): on the host once per waiting viewer, on
 * the viewer once per offer. `memberId` is always the viewer's. `viaLink` (host side): the viewer proved it
 * holds the join link's content key, so it may be admitted without comparing digits.
 */
export interface PairingEvent {
  memberId: string;
  code: string;
  viaLink?: boolean;
}

/**
 * A sealed state this client could not open: `no_key` (it holds no key of that generation; the state is
 * kept and opened if the key comes) or `failed` (it did not authenticate: tampered, another session or kind).
 */
export interface UndecryptableEvent {
  kind: 'customer' | 'product';
  generation: number;
  reason: 'no_key' | 'failed';
}

export interface SessionEndedEvent {
  reason: SessionEndReason;
}

/** The events of {@link MirrorClient.on} and the arguments their handlers get. */
export interface MirrorClientEvents {
  customer: (payload: unknown, meta: StateMeta) => void;
  product: (payload: unknown, meta: StateMeta) => void;
  peerJoined: (event: PeerJoinedEvent) => void;
  peerLeft: (event: PeerLeftEvent) => void;
  joinPending: (event: JoinPendingEvent) => void;
  joinRequested: (event: JoinRequestedEvent) => void;
  joinWithdrawn: (event: JoinWithdrawnEvent) => void;
  joinDenied: (event: JoinDeniedEvent) => void;
  signal: (event: SignalEvent) => void;
  pairing: (event: PairingEvent) => void;
  undecryptable: (event: UndecryptableEvent) => void;
  sessionEnded: (event: SessionEndedEvent) => void;
  error: (error: MirrorError) => void;
  state: (state: ConnectionState) => void;
}

export type MirrorClientEvent = keyof MirrorClientEvents;

/**
 * The part of the WebSocket API the client uses. The platform's `WebSocket` (browsers, React Native,
 * Node 22+) and the `ws` package's class both fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ReconnectOptions {
  /** Delay before the first reconnect attempt; it doubles with each failed attempt. Default 250. */
  initialDelayMs?: number;
  /** Longest delay between attempts. Default 10000. */
  maxDelayMs?: number;
}

export interface MirrorClientOptions {
  /** The relay's address, e.g. `ws://localhost:3000` or `wss://mirror.example.com/ws`. */
  url: string;
  /** A WebSocket class, for platforms without a global one (Node 20: `import WebSocket from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  /** How long a request, `connect()` and a heartbeat wait for their answer. Default 5000. */
  requestTimeoutMs?: number;
  /** Interval of the application-level PING that detects a dead connection. 0 turns it off. Default 10000. */
  heartbeatIntervalMs?: number;
  /** Reconnect by itself after the connection drops (default), or `false` to stay closed. */
  reconnect?: ReconnectOptions | false;
  /** WebCrypto for encrypted sessions (default `globalThis.crypto`); on React Native pass a WebCrypto implementation. */
  crypto?: CryptoLike;
}

/** The part of WebCrypto the client uses: `globalThis.crypto` in browsers and Node 20+. */
export interface CryptoLike {
  readonly subtle: SubtleCrypto;
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
}

export interface CreateSessionOptions {
  /** A host token (JWT), when the relay checks them. */
  token?: string;
  viewers?: 'read-only' | 'read-write';
  /** `host`: each viewer waits until this client admits it. */
  admission?: 'host' | 'open';
  /** `e2e`: an end-to-end encrypted session (admission is then on); this client makes and hands out the keys. */
  encryption?: 'e2e';
}

export interface CreatedSession {
  sessionId: string;
  resumeToken: string;
  memberId: string;
}

export interface JoinOptions {
  /** The session's resume token: join as its host. */
  resumeToken?: string;
  /** A host token, for a host's resume on a relay that requires one. */
  token?: string;
  /** A join link's key (`?join=` of the link); the code may then be left out. */
  joinKey?: string;
  /**
   * The content key of generation `generation`: from an encrypted session's link (`#k=`), or, with
   * `resumeToken`, the one a host kept from {@link MirrorClient.contentKey} to resume after an app restart.
   */
  contentKey?: string;
  generation?: number;
}

export interface JoinedSession {
  sessionId: string;
  role: Role;
  members: number;
  memberId: string;
  hostVerified?: boolean;
  encryption?: 'e2e';
}

export interface JoinLink {
  joinKey: string;
  /** ISO 8601 UTC. */
  expiresAt: string;
  uses: number;
  /** In an encrypted session: the current content key and its generation, for the link's fragment. */
  contentKey?: string;
  generation?: number;
}

/**
 * An error of the relay (its `ERROR` code: `SESSION_NOT_FOUND`, `NOT_HOST`, `RATE_LIMITED`, …) or of the
 * client: `TIMEOUT`, `CONNECTION_LOST` (the connection dropped before the answer came), `CLOSED`
 * (`close()` was called), `CONNECT_FAILED`, `MALFORMED_MESSAGE`, `UNEXPECTED_REPLY`,
 * `HOST_RESUMED_ELSEWHERE` (another connection took the host role with the resume token), `REJOIN_FAILED`
 * (a rejoin was refused for good; the refusal is in `cause`) and `LISTENER_ERROR` (an event handler threw; the
 * error is in `cause`).
 */
export class MirrorError extends Error {
  readonly code: string;
  readonly cause?: unknown;

  constructor(code: string, message: string, cause?: unknown) {
    super(message);
    this.name = 'MirrorError';
    this.code = code;
    if (cause !== undefined) {
      this.cause = cause;
    }
  }
}

type Json = Record<string, unknown>;
type StateKind = 'customer' | 'product';

interface Pending {
  /** Builds the frame when it is sent, so that a queued request uses the session the client is in by then. */
  build?: () => Json;
  sent: boolean;
  sentAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  onReply: (msg: Json, entry: Pending) => void;
  onFail: (error: MirrorError) => void;
}

interface OpenWaiter {
  resolve: () => void;
  reject: (error: MirrorError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const CLOSE_HOST_RESUMED_ELSEWHERE = 4000;
/** Answers to a failed JOIN_SESSION or CREATE_SESSION that the server gives before leaving the current session. */
const REFUSED_BEFORE_LEAVING = new Set(['RATE_LIMITED', 'INVALID_MESSAGE', 'SESSION_ID_REQUIRED']);

/**
 * Rejoin refusals that a retry cannot change (full, locked, a join key this client no longer holds, kicked, a host
 * token that is no good): the client leaves the session with `sessionEnded` `rejoin_failed` instead of retrying
 * forever. Anything else (rate limit, store away) is retried. The .NET client keeps the same list.
 */
const REJOIN_REFUSED_FOR_GOOD = new Set([
  'SESSION_FULL', 'SESSION_ID_REQUIRED', 'INVALID_MESSAGE', 'SESSION_LOCKED', 'JOIN_KEY_REQUIRED', 'JOIN_KEY_INVALID',
  'KICKED', 'AUTH_REQUIRED', 'AUTH_INVALID',
]);

/**
 * Who asks: the app (queued until the client is ready, and starting the connection), the client's own step
 * (queued, refused after `close()`), or the client's reply to a message just received (sent at once on the
 * current socket: a viewer that rejoins is not ready until admitted, and its admission waits for its pairing
 * answer; refused after `close()`).
 */
type RequestOrigin = 'app' | 'client' | 'reply';

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectOf(value: unknown): Json {
  return isObject(value) ? value : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function roleOf(value: unknown): Role {
  return value === 'host' ? 'host' : 'viewer';
}

function errorOf(msg: Json): MirrorError {
  const payload = objectOf(msg.payload);
  return new MirrorError(stringOf(payload.code) ?? 'ERROR', stringOf(payload.message) ?? 'Error');
}

function expectType(msg: Json, type: string): void {
  if (msg.type === 'ERROR') {
    throw errorOf(msg);
  }
  if (msg.type !== type) {
    throw new MirrorError('UNEXPECTED_REPLY', `Expected ${type}, got ${String(msg.type)}`);
  }
}

// ---- E2E crypto (docs/security.md, protocol v1): WebCrypto only ----

const E2E_PREFIX = 'sfa-mirror-e2e-v1';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += B64[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64[n & 63];
  }
  return out;
}

/** Decodes base64url without padding; throws on anything else. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new MirrorError('E2E_MALFORMED', 'Not base64url');
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const ch of text) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >> bits) & 255;
    }
  }
  return out;
}

function isSealed(value: unknown): value is { e2e: 1; g: number; iv: string; ct: string } {
  return (
    isObject(value) && value.e2e === 1 && Number.isInteger(value.g) && (value.g as number) >= 0 &&
    typeof value.iv === 'string' && typeof value.ct === 'string'
  );
}

interface ContentKey {
  generation: number;
  raw: Uint8Array<ArrayBuffer>;
  aes: CryptoKey;
}

/** One side's view of a pairing with one viewer (the host keeps one per viewer, a viewer one). */
interface Pairing {
  privateKey: CryptoKey;
  ownPub: string;
  /** Set once the other side's key arrived. */
  pairKey?: CryptoKey;
  transcript?: string;
  digits?: string;
  viaLink?: boolean;
  /** Host side: ADMIT was sent; the content key goes out as soon as the pairing is complete. */
  admitted?: boolean;
}

class E2eCrypto {
  constructor(private readonly c: CryptoLike) {}

  random(length: number): Uint8Array<ArrayBuffer> {
    return this.c.getRandomValues(new Uint8Array(length));
  }

  async contentKey(generation: number, raw: Uint8Array<ArrayBuffer> = this.random(32)): Promise<ContentKey> {
    if (raw.length !== 32) {
      throw new MirrorError('E2E_MALFORMED', 'A content key is 32 bytes');
    }
    const aes = await this.c.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return { generation, raw, aes };
  }

  async ephemeral(): Promise<Pairing> {
    const pair = (await this.c.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair;
    const pub = new Uint8Array(await this.c.subtle.exportKey('raw', pair.publicKey));
    return { privateKey: pair.privateKey, ownPub: toBase64Url(pub) };
  }

  /** ECDH, transcript, HKDF: fills in the pairing's pairKey, transcript and comparison digits. */
  async complete(pairing: Pairing, peerPub: string, code: string, hostPub: string, viewerPub: string): Promise<void> {
    const peerRaw = fromBase64Url(peerPub);
    if (peerRaw.length !== 65 || peerRaw[0] !== 4) {
      throw new MirrorError('E2E_MALFORMED', 'A public key is a 65-byte uncompressed P-256 point');
    }
    const peer = await this.c.subtle.importKey('raw', peerRaw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    const z = await this.c.subtle.deriveBits({ name: 'ECDH', public: peer }, pairing.privateKey, 256);
    const transcript = `${E2E_PREFIX}|${code}|${hostPub}|${viewerPub}`;
    const salt = await this.c.subtle.digest('SHA-256', utf8(transcript));
    const ikm = await this.c.subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
    const okm = new Uint8Array(
      await this.c.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`${E2E_PREFIX} pair`) }, ikm, 36 * 8),
    );
    pairing.pairKey = await this.c.subtle.importKey('raw', okm.slice(0, 32), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    const n = new DataView(okm.buffer, 32, 4).getUint32(0, false) % 1_000_000;
    pairing.digits = String(n).padStart(6, '0');
    pairing.transcript = transcript;
  }

  async seal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, ad: string): Promise<{ iv: string; ct: string }> {
    const iv = this.random(12);
    const ct = await this.c.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(ad), tagLength: 128 }, key, plaintext);
    return { iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
  }

  /** Opens an AES-256-GCM box; undefined when it does not authenticate. */
  async open(key: CryptoKey, iv: string, ct: string, ad: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    try {
      const plain = await this.c.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8(ad), tagLength: 128 },
        key,
        fromBase64Url(ct),
      );
      return new Uint8Array(plain);
    } catch {
      return undefined;
    }
  }

  async proof(contentKey: Uint8Array<ArrayBuffer>, transcript: string): Promise<string> {
    const key = await this.c.subtle.importKey('raw', contentKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return toBase64Url(new Uint8Array(await this.c.subtle.sign('HMAC', key, utf8(transcript))));
  }

  async verifyProof(contentKey: Uint8Array<ArrayBuffer>, transcript: string, proof: string): Promise<boolean> {
    try {
      const key = await this.c.subtle.importKey('raw', contentKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      return await this.c.subtle.verify('HMAC', key, fromBase64Url(proof), utf8(transcript));
    } catch {
      return false;
    }
  }
}

const stateAd = (code: string, kind: StateKind, generation: number) => `${E2E_PREFIX} state|${code}|${kind}|${generation}`;
const keyAd = (code: string, generation: number) => `${E2E_PREFIX} key|${code}|${generation}`;

function newE2eSession(code: string, isHost: boolean, contentKey: ContentKey | undefined): E2eSession {
  const keys = new Map<number, ContentKey>();
  if (contentKey) {
    keys.set(contentKey.generation, contentKey);
  }
  return { code, isHost, keys, generation: contentKey?.generation ?? 0, pairings: new Map(), current: {}, held: {} };
}

/** What a client keeps of an encrypted session. */
interface E2eSession {
  code: string;
  isHost: boolean;
  /** Content keys by generation; the host keeps every one it made, to check link proofs of older links. */
  keys: Map<number, ContentKey>;
  generation: number;
  /** Host: one pairing per viewer (waiting or admitted). Viewer: its one pairing with the host, under its own member id. */
  pairings: Map<string, Pairing>;
  /** Viewer: the member id the pairing is under, and whether it is still waiting (offers are taken only then). */
  memberId?: string;
  waiting?: boolean;
  /** Viewer by link: the link's content key, for the proof. */
  linkKey?: ContentKey;
  /** The latest plaintext of each kind (the host re-seals them after a kick). */
  current: Partial<Record<StateKind, unknown>>;
  /** The latest sealed state of each kind that could not be opened yet. */
  held: Partial<Record<StateKind, { payload: unknown; meta: StateMeta }>>;
}

/** A join link as the console writes it: `…/?join=<joinKey>#k=<content key>&g=<generation>`. */
export function formatJoinLink(base: string, link: { joinKey: string; contentKey?: string; generation?: number }): string {
  const url = `${base.replace(/\/+$/, '')}/?join=${encodeURIComponent(link.joinKey)}`;
  return link.contentKey ? `${url}#k=${link.contentKey}&g=${link.generation ?? 0}` : url;
}

/** Reads a join link (`?join=<key>`, and in an encrypted session `#k=…&g=…`); undefined when it holds no join key. */
export function parseJoinLink(url: string): { joinKey: string; contentKey?: string; generation?: number } | undefined {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const fragment = hashAt >= 0 ? url.slice(hashAt + 1) : '';
  const query = beforeHash.includes('?') ? beforeHash.slice(beforeHash.indexOf('?') + 1) : '';
  const param = (text: string, name: string) => {
    for (const part of text.split('&')) {
      const eq = part.indexOf('=');
      if (eq > 0 && decodeURIComponent(part.slice(0, eq)) === name) {
        return decodeURIComponent(part.slice(eq + 1));
      }
    }
    return undefined;
  };
  const joinKey = param(query, 'join');
  if (!joinKey) {
    return undefined;
  }
  const contentKey = param(fragment, 'k');
  const g = param(fragment, 'g');
  const generation = g !== undefined && /^\d+$/.test(g) ? Number(g) : undefined;
  return contentKey ? { joinKey, contentKey, generation: generation ?? 0 } : { joinKey };
}

/**
 * A connection to the relay, for the SFA app (which creates a session and sends what it shows) and for
 * the Mirror app (which joins it and shows what arrives). It reconnects by itself and, after a
 * reconnect, rejoins its session (the host with its resume token).
 */
export class MirrorClient {
  private readonly url: string;
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly requestTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly reconnectOptions: Required<ReconnectOptions> | false;
  private readonly cryptoOption: CryptoLike | undefined;
  private cryptoImpl: E2eCrypto | undefined;

  private readonly listeners = new Map<MirrorClientEvent, Set<(...args: any[]) => void>>();
  /** Requests by requestId, in the order they were made (a Map keeps insertion order). */
  private readonly pending = new Map<string, Pending>();
  private openWaiters: OpenWaiter[] = [];
  /** The resume token each pending join sent, so that the reply can tell whether this client now holds it. */
  private readonly joinTokens = new Map<string, string>();
  /** The E2E start of each pending create (the content key of generation 0) or link join (the link's key). */
  private readonly e2eStarts = new Map<string, { contentKey?: ContentKey }>();
  /** The join that waits for admission (after JOIN_PENDING), so that JOIN_DENIED can settle it. */
  private admissionRequestId: string | undefined;
  private currentMemberId: string | undefined;
  private e2e: E2eSession | undefined;
  /** E2E work runs one step at a time, in the order the messages came, so states are emitted in order. */
  private e2eChain: Promise<void> = Promise.resolve();

  private currentState: ConnectionState = 'closed';
  private currentSessionId: string | undefined;
  private currentRole: Role | undefined;
  private currentResumeToken: string | undefined;
  private readonly lastSeq: Record<StateKind, number> = { customer: 0, product: 0 };

  private socket: WebSocketLike | null = null;
  /** Open and, when the client is in a session, back in it: queued requests may go. */
  private ready = false;
  /** Whether the application wants a connection (from connect() or a request until close()). */
  private wanted = false;
  private attempt = 0;
  private nextRequestId = 1;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private heartbeatInFlight = false;

  constructor(options: MirrorClientOptions) {
    if (!options || typeof options.url !== 'string' || options.url.length === 0) {
      throw new TypeError('MirrorClient needs options.url, e.g. ws://localhost:3000');
    }
    const platform = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    const WebSocketClass = options.WebSocket ?? platform;
    if (typeof WebSocketClass !== 'function') {
      throw new TypeError('No WebSocket on this platform: pass options.WebSocket (in Node 20: the ws package)');
    }
    this.url = options.url;
    this.WebSocketClass = WebSocketClass;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10000;
    this.reconnectOptions =
      options.reconnect === false
        ? false
        : {
            initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
            maxDelayMs: options.reconnect?.maxDelayMs ?? 10000,
          };
    this.cryptoOption = options.crypto;
  }

  /** This connection's member id in its session (or while waiting for admission), or undefined. */
  get memberId(): string | undefined {
    return this.currentMemberId;
  }

  /** `e2e` while the client is in an end-to-end encrypted session. */
  get encryption(): 'e2e' | undefined {
    return this.e2e ? 'e2e' : undefined;
  }

  /** In an encrypted session: the generation of the content key that states are sealed with now. */
  get generation(): number | undefined {
    return this.e2e?.generation;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The session the client is in (the canonical upper-case code), or undefined. */
  get sessionId(): string | undefined {
    return this.currentSessionId;
  }

  /**
   * The host's current content key (base64url) and generation in an encrypted session, else undefined. An app
   * that must survive a restart keeps it with the resume token in the platform's secure storage and passes both
   * back: `joinSession(code, { resumeToken, ...kept })`. Whoever reads it reads the session.
   */
  get contentKey(): { contentKey: string; generation: number } | undefined {
    const e2e = this.e2e;
    const key = e2e?.isHost ? e2e.keys.get(e2e.generation) : undefined;
    return key ? { contentKey: toBase64Url(key.raw), generation: key.generation } : undefined;
  }

  get role(): Role | undefined {
    return this.currentRole;
  }

  /** The host's secret for taking its role back; keep it to rejoin as host after an app restart. */
  get resumeToken(): string | undefined {
    return this.currentResumeToken;
  }

  /**
   * Opens the connection; resolves when it is open (and, if the client was in a session, back in it).
   * Rejects with `TIMEOUT` after `requestTimeoutMs` (the client keeps trying when reconnecting is on),
   * `CONNECT_FAILED` when reconnecting is off and the attempt failed, or `CLOSED` on `close()`.
   */
  connect(): Promise<void> {
    if (this.currentState === 'open') {
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: OpenWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.openWaiters = this.openWaiters.filter((w) => w !== waiter);
          reject(new MirrorError('TIMEOUT', `Not connected within ${this.requestTimeoutMs} ms`));
        }, this.requestTimeoutMs),
      };
      this.openWaiters.push(waiter);
      this.start();
    });
  }

  /** Creates a session and joins it as its host; with `encryption: 'e2e'` this client makes the session's keys. */
  async createSession(opts?: CreateSessionOptions): Promise<CreatedSession> {
    const payload: Json = {};
    if (opts?.token !== undefined) payload.token = opts.token;
    if (opts?.viewers !== undefined) payload.viewers = opts.viewers;
    if (opts?.admission !== undefined) payload.admission = opts.admission;
    if (opts?.encryption !== undefined) payload.encryption = opts.encryption;
    const contentKey = opts?.encryption === 'e2e' ? await this.crypto().contentKey(0) : undefined;
    return this.request(
      () => ({ type: 'CREATE_SESSION', payload: Object.keys(payload).length > 0 ? payload : undefined }),
      (msg) => {
        this.leftOnFailure(msg);
        expectType(msg, 'SESSION_CREATED');
        const reply = objectOf(msg.payload);
        return {
          sessionId: stringOf(reply.sessionId) ?? stringOf(msg.sessionId) ?? '',
          resumeToken: stringOf(reply.resumeToken) ?? '',
          memberId: stringOf(reply.memberId) ?? '',
        };
      },
      { e2eStart: contentKey ? { contentKey } : undefined },
    );
  }

  /**
   * Joins a session by its code (or by a join link's key alone: `joinSession({ joinKey })`): as a viewer, or
   * as the host with the session's resume token. Resolves on `SESSION_JOINED`; a join that waits for the
   * host's admission emits `joinPending` and resolves once admitted (no time-out then), or rejects with
   * `JOIN_DENIED` (its `message` the reason). With `contentKey` (from an encrypted session's link) the
   * client opens states at once and proves to the host that it holds the link.
   */
  async joinSession(codeOrOptions: string | JoinOptions | undefined, options?: JoinOptions): Promise<JoinedSession> {
    const opts = typeof codeOrOptions === 'object' && codeOrOptions !== null ? codeOrOptions : (options ?? {});
    const code = typeof codeOrOptions === 'string' ? codeOrOptions : undefined;
    const payload: Json = {};
    if (opts.resumeToken) payload.resumeToken = opts.resumeToken;
    if (opts.token) payload.token = opts.token;
    if (opts.joinKey) payload.joinKey = opts.joinKey;
    const contentKey = opts.contentKey
      ? await this.crypto().contentKey(opts.generation ?? 0, fromBase64Url(opts.contentKey))
      : undefined;
    return this.request(
      () => ({ type: 'JOIN_SESSION', sessionId: code, payload: Object.keys(payload).length > 0 ? payload : undefined }),
      (msg) => {
        this.leftOnFailure(msg);
        if (msg.type === 'JOIN_DENIED') {
          const reason = stringOf(objectOf(msg.payload).reason) ?? 'denied';
          throw new MirrorError('JOIN_DENIED', reason);
        }
        expectType(msg, 'SESSION_JOINED');
        const reply = objectOf(msg.payload);
        const joined: JoinedSession = {
          sessionId: stringOf(reply.sessionId) ?? stringOf(msg.sessionId) ?? code ?? '',
          role: roleOf(reply.role),
          members: numberOf(reply.members),
          memberId: stringOf(reply.memberId) ?? '',
        };
        if (reply.hostVerified === true) joined.hostVerified = true;
        if (reply.encryption === 'e2e') joined.encryption = 'e2e';
        return joined;
      },
      { joinToken: opts.resumeToken, e2eStart: contentKey ? { contentKey } : {} },
    );
  }

  /** Sets the session's customer (null clears it) and sends it to the other members. */
  sendCustomer(payload: unknown): Promise<{ delivered: number }> {
    return this.sendState('VIEW_CUSTOMER', payload);
  }

  /** Sets the session's product (null clears it) and sends it to the other members. */
  sendProduct(payload: unknown): Promise<{ delivered: number }> {
    return this.sendState('VIEW_PRODUCT', payload);
  }

  /** The session's current customer, or undefined when none is set. Not also emitted as a `customer` event. */
  requestCustomer(): Promise<unknown | undefined> {
    return this.requestState('REQUEST_CUSTOMER_UPDATE', 'VIEW_CUSTOMER');
  }

  /** The session's current product, or undefined when none is set. Not also emitted as a `product` event. */
  requestProduct(): Promise<unknown | undefined> {
    return this.requestState('REQUEST_PRODUCT_UPDATE', 'VIEW_PRODUCT');
  }

  /** Leaves the session; the others see `peerLeft` with reason `left`. */
  leaveSession(): Promise<void> {
    return this.request(
      () => ({ type: 'LEAVE_SESSION', sessionId: this.currentSessionId }),
      (msg) => expectType(msg, 'SESSION_LEFT'),
    );
  }

  /** Ends the session (host only): every member, this one included, gets `sessionEnded` (`ended_by_host`). */
  endSession(): Promise<void> {
    return this.request(
      () => ({ type: 'END_SESSION', sessionId: this.currentSessionId }),
      (msg) => expectType(msg, 'SESSION_ENDED'),
    );
  }

  /** Round-trip time of a PING to the relay, in milliseconds. */
  ping(): Promise<number> {
    return this.request(
      () => ({ type: 'PING' }),
      (msg, entry) => {
        expectType(msg, 'PONG');
        return now() - entry.sentAt;
      },
    );
  }

  /** Adds an event handler; returns a function that removes it. */
  on<E extends MirrorClientEvent>(event: E, handler: MirrorClientEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(handler);
    return () => this.off(event, handler);
  }

  off<E extends MirrorClientEvent>(event: E, handler: MirrorClientEvents[E]): void {
    this.listeners.get(event)?.delete(handler);
  }

  /**
   * Closes the connection and stops reconnecting. Requests not answered yet reject with `CLOSED`.
   * The session is not left: the server keeps it for its grace period, and `connect()` rejoins it.
   */
  close(): void {
    this.wanted = false;
    this.clearReconnectTimer();
    const socket = this.socket;
    this.detach();
    if (socket) {
      try {
        socket.close(1000, 'client closed');
      } catch {
        // Already closing: nothing more to do.
      }
    }
    this.failPending(new MirrorError('CLOSED', 'The client was closed'), true);
    this.failWaiters(new MirrorError('CLOSED', 'The client was closed'));
    this.setState('closed');
  }

  /** Host: lets a waiting viewer in; in an encrypted session then sends it the content key (once paired). */
  async admit(memberId: string): Promise<void> {
    await this.hostControl('ADMIT', { memberId });
    const e2e = this.e2e;
    const pairing = e2e?.isHost ? e2e.pairings.get(memberId) : undefined;
    if (e2e && pairing) {
      pairing.admitted = true;
      await this.inE2eOrder(() => this.sendKeyTo(e2e, memberId, pairing));
    }
  }

  /** Host: turns a waiting viewer away (it gets `joinDenied` `denied`). */
  async deny(memberId: string): Promise<void> {
    await this.hostControl('DENY', { memberId });
    this.e2e?.pairings.delete(memberId);
  }

  /**
   * Host: removes a member (it gets `sessionEnded` `kicked`) or a waiting viewer. In an encrypted session the
   * client then makes generation G+1, sends it to every remaining paired member and sends the current
   * customer and product again under it, so the kicked member cannot open anything new.
   */
  async kick(memberId: string): Promise<void> {
    await this.hostControl('KICK', { memberId });
    const e2e = this.e2e;
    if (e2e?.isHost) {
      e2e.pairings.delete(memberId);
      await this.inE2eOrder(() => this.rekey(e2e));
      await this.resendCurrent(e2e);
    }
  }

  /** Host: no one may join until `unlock()`. */
  async lock(): Promise<void> {
    await this.hostControl('LOCK_SESSION', undefined);
  }

  async unlock(): Promise<void> {
    await this.hostControl('UNLOCK_SESSION', undefined);
  }

  /** Sends `data` (any JSON, at most 8 KiB) to one member, which gets a `signal` event. */
  signal(to: string, data: unknown): Promise<{ delivered: number }> {
    return this.signalRequest(to, data, 'app');
  }

  private signalRequest(to: string, data: unknown, origin: RequestOrigin): Promise<{ delivered: number }> {
    return this.request(
      () => ({ type: 'SIGNAL', sessionId: this.currentSessionId, payload: { to, data } }),
      (msg) => {
        expectType(msg, 'ACK');
        return { delivered: numberOf(objectOf(msg.payload).delivered) };
      },
      { origin },
    );
  }

  /**
   * Host: a join link's key (defaults: 600 s, 1 use). In an encrypted session it comes with the current
   * content key and generation, for the link's fragment ({@link formatJoinLink}).
   */
  createJoinLink(opts?: { ttlSeconds?: number; uses?: number }): Promise<JoinLink> {
    const payload: Json = {};
    if (opts?.ttlSeconds !== undefined) payload.ttlSeconds = opts.ttlSeconds;
    if (opts?.uses !== undefined) payload.uses = opts.uses;
    return this.request(
      () => ({ type: 'CREATE_JOIN_LINK', sessionId: this.currentSessionId, payload }),
      (msg) => {
        expectType(msg, 'JOIN_LINK');
        const reply = objectOf(msg.payload);
        const link: JoinLink = {
          joinKey: stringOf(reply.joinKey) ?? '',
          expiresAt: stringOf(reply.expiresAt) ?? '',
          uses: numberOf(reply.uses),
        };
        const key = this.e2e?.isHost ? this.e2e.keys.get(this.e2e.generation) : undefined;
        if (key) {
          link.contentKey = toBase64Url(key.raw);
          link.generation = key.generation;
        }
        return link;
      },
    );
  }

  // ---- requests ----

  private hostControl(type: string, payload: Json | undefined): Promise<void> {
    return this.request(
      () => ({ type, sessionId: this.currentSessionId, payload }),
      (msg) => expectType(msg, 'ACK'),
    );
  }

  private async sendState(type: 'VIEW_CUSTOMER' | 'VIEW_PRODUCT', payload: unknown): Promise<{ delivered: number }> {
    // An absent payload means null on the wire; keep it explicit so that what is sent is what is stored.
    let value: unknown = payload === undefined ? null : payload;
    const e2e = this.e2e;
    if (e2e) {
      const kind: StateKind = type === 'VIEW_CUSTOMER' ? 'customer' : 'product';
      e2e.current[kind] = value;
      value = await this.inE2eOrder(() => this.sealState(e2e, kind, value));
    }
    return this.request(
      () => ({ type, sessionId: this.currentSessionId, payload: value }),
      (msg) => {
        expectType(msg, 'ACK');
        return { delivered: numberOf(objectOf(msg.payload).delivered) };
      },
    );
  }

  private requestState(type: string, answer: string): Promise<unknown | undefined> {
    return this.request(
      () => ({ type, sessionId: this.currentSessionId }),
      (msg) => {
        if (msg.type === 'ACK') {
          return undefined;
        }
        expectType(msg, answer);
        const e2e = this.e2e;
        if (e2e && isSealed(msg.payload)) {
          const kind: StateKind = answer === 'VIEW_CUSTOMER' ? 'customer' : 'product';
          const sealed = msg.payload;
          return this.inE2eOrder(async () => {
            const opened = await this.openState(e2e, kind, sealed);
            if (typeof opened !== 'object') {
              throw new MirrorError(opened === 'no_key' ? 'E2E_NO_KEY' : 'E2E_FAILED', `This client cannot open the ${kind}`);
            }
            return opened.value;
          });
        }
        return msg.payload;
      },
    );
  }

  /**
   * Sends a request once the connection is ready (a `reply` at once) and settles it with the reply carrying its
   * requestId. The time-out counts from the call, so waiting for a reconnect is part of it.
   */
  private request<T>(
    build: () => Json,
    interpret: (msg: Json, entry: Pending) => T | Promise<T>,
    opts: { joinToken?: string; e2eStart?: { contentKey?: ContentKey }; origin?: RequestOrigin } = {},
  ): Promise<T> {
    const { joinToken, e2eStart, origin = 'app' } = opts;
    return new Promise<T>((resolve, reject) => {
      if (origin !== 'app' && !this.wanted) {
        // A step of the client's own that finishes after close() must not reopen it.
        reject(new MirrorError('CLOSED', 'The client was closed'));
        return;
      }
      const id = this.newRequestId();
      const type = String(build().type);
      const entry: Pending = {
        build,
        sent: false,
        sentAt: 0,
        timer: undefined,
        onReply: (msg) => {
          try {
            resolve(interpret(msg, entry));
          } catch (err) {
            reject(err);
          }
        },
        onFail: reject,
      };
      if (joinToken !== undefined) {
        this.joinTokens.set(id, joinToken);
      }
      if (e2eStart !== undefined) {
        this.e2eStarts.set(id, e2eStart);
      }
      entry.timer = setTimeout(() => {
        this.forget(id);
        reject(new MirrorError('TIMEOUT', `${type} got no answer within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, entry);
      if (origin === 'reply') {
        entry.sent = true;
        entry.sentAt = now();
        this.send({ ...build(), requestId: id });
      } else if (this.ready) {
        this.flush();
      } else {
        this.start();
      }
    });
  }

  /** Tracks an internal request that is sent at once (a rejoin, a heartbeat). */
  private track(id: string, onReply: (msg: Json) => void, onTimeout: () => void): void {
    const entry: Pending = {
      sent: true,
      sentAt: now(),
      timer: setTimeout(() => {
        this.forget(id);
        onTimeout();
      }, this.requestTimeoutMs),
      onReply,
      onFail: () => {},
    };
    this.pending.set(id, entry);
  }

  private forget(id: string): Pending | undefined {
    const entry = this.pending.get(id);
    if (entry) {
      clearTimeout(entry.timer);
      this.pending.delete(id);
    }
    this.joinTokens.delete(id);
    this.e2eStarts.delete(id);
    if (this.admissionRequestId === id) {
      this.admissionRequestId = undefined;
    }
    return entry;
  }

  private flush(): void {
    for (const [id, entry] of this.pending) {
      if (entry.sent || !entry.build) {
        continue;
      }
      if (!this.ready) {
        return;
      }
      entry.sent = true;
      entry.sentAt = now();
      this.send({ ...entry.build(), requestId: id });
    }
  }

  private failPending(error: MirrorError, includeQueued: boolean): void {
    for (const [id, entry] of [...this.pending]) {
      if (entry.sent || includeQueued) {
        this.forget(id);
        entry.onFail(error);
      }
    }
  }

  private failWaiters(error: MirrorError): void {
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private newRequestId(): string {
    return `c${this.nextRequestId++}`;
  }

  private send(frame: Json): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      return; // The drop that follows fails the request, or it is re-sent after the reconnect.
    }
    try {
      socket.send(JSON.stringify(frame));
    } catch (err) {
      this.emitError(new MirrorError('SEND_FAILED', 'Could not send a message', err));
    }
  }

  /** A failed create or join to another session has already left the current one on the server. */
  private leftOnFailure(msg: Json): void {
    if (msg.type !== 'ERROR') {
      return;
    }
    const code = stringOf(objectOf(msg.payload).code) ?? '';
    const target = stringOf(msg.sessionId)?.trim().toUpperCase();
    if (!REFUSED_BEFORE_LEAVING.has(code) && target !== this.currentSessionId) {
      this.clearSession();
    }
  }

  // ---- connection ----

  private start(): void {
    this.wanted = true;
    if (this.socket || this.reconnectTimer !== undefined) {
      return;
    }
    this.setState(this.currentState === 'closed' ? 'connecting' : 'reconnecting');
    this.openSocket();
  }

  private openSocket(): void {
    this.reconnectTimer = undefined;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketClass(this.url);
    } catch (err) {
      // A bad URL does not get better by retrying.
      const error = new MirrorError('CONNECT_FAILED', `Cannot open ${this.url}`, err);
      this.emitError(error);
      this.wanted = false;
      this.failPending(error, true);
      this.failWaiters(error);
      this.setState('closed');
      return;
    }
    this.socket = socket;
    // Handlers stay set on a socket the client has let go (ws throws on an error event nobody listens to);
    // each one checks that its socket is still the current one.
    socket.onopen = () => {
      if (this.socket === socket) {
        this.onOpen(socket);
      }
    };
    socket.onmessage = (event: { data?: unknown }) => {
      if (this.socket === socket) {
        this.onMessage(event?.data);
      }
    };
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.socket === socket) {
        this.onDrop(event?.code);
      }
    };
    socket.onerror = () => {
      // A close event follows every error; the drop is handled there.
    };
  }

  private onOpen(socket: WebSocketLike): void {
    this.startHeartbeat(socket);
    if (this.currentSessionId) {
      this.rejoin(this.currentSessionId);
    } else {
      this.becomeReady();
    }
  }

  private becomeReady(): void {
    this.ready = true;
    this.setState('open');
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.flush();
  }

  /** After a reconnect: back into the session, as host when the client holds the resume token. */
  private rejoin(code: string): void {
    const id = this.newRequestId();
    const token = this.currentResumeToken;
    if (token) {
      this.joinTokens.set(id, token);
    }
    const linkKey = this.e2e?.linkKey;
    if (linkKey) {
      this.e2eStarts.set(id, { contentKey: linkKey });
    }
    this.track(
      id,
      (msg) => {
        if (msg.type === 'SESSION_JOINED') {
          this.becomeReady();
          return;
        }
        if (msg.type === 'JOIN_DENIED') {
          // A session with admission turned this new connection away: it is out of the session.
          this.clearSession();
          this.becomeReady();
          return;
        }
        const error = msg.type === 'ERROR' ? errorOf(msg) : new MirrorError('UNEXPECTED_REPLY', `Rejoin got ${String(msg.type)}`);
        if (error.code === 'SESSION_NOT_FOUND') {
          this.clearSession();
          this.emit('sessionEnded', { reason: 'not_found' });
          this.becomeReady();
          return;
        }
        if (REJOIN_REFUSED_FOR_GOOD.has(error.code)) {
          this.emitError(new MirrorError('REJOIN_FAILED', `Could not rejoin ${code}: ${error.code}`, error));
          this.clearSession();
          this.emit('sessionEnded', { reason: 'rejoin_failed' });
          this.becomeReady();
          return;
        }
        // Busy, rate-limited, store down: try again after the next back-off.
        this.emitError(error);
        this.abandon();
      },
      () => this.abandon(),
    );
    this.send({ type: 'JOIN_SESSION', sessionId: code, payload: token ? { resumeToken: token } : undefined, requestId: id });
  }

  /** Lets go of the current socket without waiting for its close, which a dead link may take long to report. */
  private abandon(): void {
    const socket = this.socket;
    if (!socket) {
      return;
    }
    this.onDrop(undefined);
    try {
      const terminate = (socket as { terminate?: () => void }).terminate;
      if (typeof terminate === 'function') {
        terminate.call(socket);
      } else {
        socket.close();
      }
    } catch {
      // Closing a socket that is already gone.
    }
  }

  private detach(): void {
    this.socket = null;
    this.ready = false;
    this.heartbeatInFlight = false;
    if (this.heartbeatTimer !== undefined) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }

  private onDrop(closeCode: number | undefined): void {
    this.detach();
    this.failPending(new MirrorError('CONNECTION_LOST', 'The connection dropped before the answer came'), false);
    if (!this.wanted) {
      this.setState('closed');
      return;
    }
    if (closeCode === CLOSE_HOST_RESUMED_ELSEWHERE) {
      // Reconnecting would take the role back and start a tug of war with the other device.
      this.clearSession();
      this.stopWanting(new MirrorError('HOST_RESUMED_ELSEWHERE', 'Another connection resumed this session as host'));
      return;
    }
    if (this.reconnectOptions === false) {
      this.stopWanting(new MirrorError(this.currentState === 'connecting' ? 'CONNECT_FAILED' : 'CONNECTION_LOST', 'The connection closed'));
      return;
    }
    this.setState('reconnecting');
    const { initialDelayMs, maxDelayMs } = this.reconnectOptions;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    // Half fixed, half random: clients dropped together by a server restart do not all come back at once.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => this.openSocket(), delay);
  }

  private stopWanting(error: MirrorError): void {
    this.wanted = false;
    this.emitError(error);
    this.failPending(error, true);
    this.failWaiters(error);
    this.setState('closed');
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
  }

  /** Browsers and React Native cannot see ping frames, so the client asks for a PONG now and then. */
  private startHeartbeat(socket: WebSocketLike): void {
    if (!(this.heartbeatIntervalMs > 0)) {
      return;
    }
    this.heartbeatTimer = setInterval(() => {
      if (this.socket !== socket || this.heartbeatInFlight) {
        return;
      }
      this.heartbeatInFlight = true;
      const id = this.newRequestId();
      this.track(
        id,
        () => {
          // Any answer, an error included, shows the link is alive.
          if (this.socket === socket) {
            this.heartbeatInFlight = false;
          }
        },
        () => {
          if (this.socket === socket) {
            this.abandon();
          }
        },
      );
      this.send({ type: 'PING', requestId: id });
    }, this.heartbeatIntervalMs);
  }

  // ---- inbound ----

  private onMessage(data: unknown): void {
    // Back-off starts over only once a server has answered, not merely accepted: one that accepts and
    // closes at once (overloaded, restarting) keeps getting longer pauses.
    this.attempt = 0;
    if (typeof data !== 'string') {
      this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a binary frame'));
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch (err) {
      this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a message that is not JSON', err));
      return;
    }
    if (!isObject(msg) || typeof msg.type !== 'string') {
      this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a message without a type'));
      return;
    }
    try {
      this.dispatch(msg);
    } catch (err) {
      this.emitError(new MirrorError('MALFORMED_MESSAGE', `Could not handle a ${msg.type} message`, err));
    }
  }

  private dispatch(msg: Json): void {
    const requestId = typeof msg.requestId === 'string' || typeof msg.requestId === 'number' ? String(msg.requestId) : undefined;
    const entry = requestId !== undefined ? this.pending.get(requestId) : undefined;
    const payload = objectOf(msg.payload);
    const sessionId = stringOf(msg.sessionId);

    // The session bookkeeping follows what the server says, whether or not a request still waits for it.
    switch (msg.type) {
      case 'SESSION_CREATED': {
        const code = stringOf(payload.sessionId) ?? sessionId;
        this.enterSession(code, 'host', stringOf(payload.resumeToken), stringOf(payload.memberId));
        const start = requestId !== undefined ? this.e2eStarts.get(requestId) : undefined;
        this.e2e = start?.contentKey && code ? newE2eSession(code, true, start.contentKey) : undefined;
        break;
      }
      case 'SESSION_JOINED': {
        const code = stringOf(payload.sessionId) ?? sessionId;
        const role = roleOf(payload.role);
        const sentToken = requestId !== undefined ? this.joinTokens.get(requestId) : undefined;
        const keptToken = code === this.currentSessionId ? this.currentResumeToken : undefined;
        this.enterSession(code, role, role === 'host' ? (sentToken ?? keptToken) : undefined, stringOf(payload.memberId));
        this.joinedE2e(code ?? '', role, payload.encryption === 'e2e', requestId);
        break;
      }
      case 'JOIN_PENDING': {
        const code = stringOf(payload.sessionId) ?? sessionId ?? '';
        const memberId = stringOf(payload.memberId) ?? '';
        this.currentMemberId = memberId;
        if (entry && requestId !== undefined) {
          // Admission may take minutes: the join now waits for SESSION_JOINED or JOIN_DENIED without a time-out.
          clearTimeout(entry.timer);
          entry.timer = undefined;
          this.admissionRequestId = requestId;
        }
        if (payload.encryption === 'e2e') {
          this.waitingE2e(code, memberId, requestId);
        }
        const event: JoinPendingEvent = { sessionId: code, memberId };
        if (payload.encryption === 'e2e') event.encryption = 'e2e';
        this.emit('joinPending', event);
        return;
      }
      case 'JOIN_DENIED': {
        const reason = payload.reason === 'timeout' ? 'timeout' : 'denied';
        const id = this.admissionRequestId;
        const waiting = id !== undefined ? this.forget(id) : undefined;
        if (this.e2e && !this.e2e.isHost && this.e2e.waiting) {
          this.e2e = undefined;
        }
        this.emit('joinDenied', { reason });
        waiting?.onReply(msg, waiting);
        return;
      }
      case 'JOIN_REQUESTED': {
        const memberId = stringOf(payload.memberId) ?? '';
        this.emit('joinRequested', { memberId, userAgent: typeof payload.userAgent === 'string' ? payload.userAgent : '' });
        const e2e = this.e2e;
        if (e2e?.isHost && memberId) {
          this.inE2eOrder(() => this.offer(e2e, memberId)).catch((err) => this.emitE2eError(err));
        }
        break;
      }
      case 'JOIN_WITHDRAWN': {
        const memberId = stringOf(payload.memberId) ?? '';
        this.e2e?.pairings.delete(memberId);
        const reason = payload.reason === 'left' || payload.reason === 'timeout' ? payload.reason : 'disconnected';
        this.emit('joinWithdrawn', { memberId, reason });
        break;
      }
      case 'SIGNAL': {
        const from = stringOf(payload.from) ?? '';
        const data = payload.data;
        const e2e = this.e2e;
        if (e2e && isObject(data) && typeof data.e2e === 'string') {
          this.inE2eOrder(() => this.onE2eSignal(e2e, from, data)).catch((err) => this.emitE2eError(err));
        } else {
          this.emit('signal', { from, data });
        }
        break;
      }
      case 'SESSION_LEFT':
        if (!sessionId || sessionId === this.currentSessionId) {
          this.clearSession();
        }
        break;
      case 'SESSION_ENDED':
        if (!sessionId || !this.currentSessionId || sessionId === this.currentSessionId) {
          const reason = stringOf(payload.reason) ?? 'ended_by_host';
          this.clearSession();
          this.emit('sessionEnded', { reason: reason as SessionEndReason });
        }
        break;
      case 'VIEW_CUSTOMER':
      case 'VIEW_PRODUCT':
        this.onState(msg.type === 'VIEW_CUSTOMER' ? 'customer' : 'product', msg, sessionId, entry !== undefined);
        break;
      case 'PEER_JOINED':
        this.emit('peerJoined', { role: roleOf(payload.role), members: numberOf(payload.members), memberId: stringOf(payload.memberId) ?? '' });
        break;
      case 'PEER_LEFT': {
        const memberId = stringOf(payload.memberId) ?? '';
        if (this.e2e?.isHost) {
          this.e2e.pairings.delete(memberId);
        }
        this.emit('peerLeft', {
          role: roleOf(payload.role),
          members: numberOf(payload.members),
          reason: payload.reason === 'left' || payload.reason === 'kicked' ? payload.reason : 'disconnected',
          memberId,
        });
        break;
      }
      default:
        // ACK, PONG and ERROR settle requests below; unknown types are for newer clients.
        break;
    }

    if (entry && requestId !== undefined) {
      this.forget(requestId);
      entry.onReply(msg, entry);
    } else if (msg.type === 'ERROR') {
      this.emitError(errorOf(msg));
    }
  }

  /** Keeps the newest state per kind: a message with a lower seq than one already seen is stale and dropped. */
  private onState(kind: StateKind, msg: Json, sessionId: string | undefined, isReply: boolean): void {
    if (sessionId && this.currentSessionId && sessionId !== this.currentSessionId) {
      return;
    }
    const seq = typeof msg.seq === 'number' && Number.isFinite(msg.seq) ? msg.seq : undefined;
    if (seq !== undefined) {
      if (seq < this.lastSeq[kind]) {
        return;
      }
      this.lastSeq[kind] = seq;
    }
    if (isReply) {
      return; // A reply to requestCustomer/requestProduct goes to its promise only.
    }
    const meta: StateMeta = { seq: seq ?? 0, sessionId: sessionId ?? this.currentSessionId ?? '' };
    const e2e = this.e2e;
    if (e2e && isSealed(msg.payload)) {
      const sealed = msg.payload;
      this.inE2eOrder(() => this.receiveSealed(e2e, kind, sealed, meta)).catch((err) => this.emitE2eError(err));
      return;
    }
    if (e2e) {
      // A clear (null) or a plain payload in an encrypted session: it replaces whatever was held.
      delete e2e.held[kind];
      e2e.current[kind] = msg.payload;
      // Keep the order with sealed states still being opened.
      this.inE2eOrder(async () => this.emit(kind, msg.payload, meta)).catch((err) => this.emitE2eError(err));
      return;
    }
    this.emit(kind, msg.payload, meta);
  }

  // ---- E2E (docs/security.md) ----

  private crypto(): E2eCrypto {
    if (!this.cryptoImpl) {
      const c = this.cryptoOption ?? (globalThis as { crypto?: CryptoLike }).crypto;
      if (!c || !c.subtle) {
        throw new MirrorError('E2E_UNAVAILABLE', 'No WebCrypto on this platform: pass options.crypto');
      }
      this.cryptoImpl = new E2eCrypto(c);
    }
    return this.cryptoImpl;
  }

  /** Runs E2E steps one after another; a step must never wait for another step (it would wait forever). */
  private inE2eOrder<T>(step: () => Promise<T>): Promise<T> {
    const run = this.e2eChain.then(step);
    this.e2eChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private emitE2eError(err: unknown): void {
    if (err instanceof MirrorError && err.code === 'CLOSED' && !this.wanted) {
      return; // A step that outlived close(): the app closed the client and wants no more from it.
    }
    this.emitError(err instanceof MirrorError ? err : new MirrorError('E2E_FAILED', 'An end-to-end encryption step failed', err));
  }

  /** Viewer: JOIN_PENDING of an encrypted session. Keeps the keys of the same session (a rejoin after a drop). */
  private waitingE2e(code: string, memberId: string, requestId: string | undefined): void {
    const linkKey = requestId !== undefined ? this.e2eStarts.get(requestId)?.contentKey : undefined;
    let e2e = this.e2e;
    if (!e2e || e2e.isHost || e2e.code !== code) {
      e2e = newE2eSession(code, false, undefined);
      this.e2e = e2e;
    }
    if (linkKey) {
      e2e.linkKey = linkKey;
      if (!e2e.keys.has(linkKey.generation)) {
        e2e.keys.set(linkKey.generation, linkKey);
        e2e.generation = Math.max(e2e.generation, linkKey.generation);
      }
    }
    e2e.memberId = memberId;
    e2e.waiting = true;
    e2e.pairings.clear();
  }

  private joinedE2e(code: string, role: Role, encrypted: boolean, requestId: string | undefined): void {
    if (!encrypted) {
      this.e2e = undefined;
      return;
    }
    if (role === 'host') {
      const kept = requestId !== undefined ? this.e2eStarts.get(requestId)?.contentKey : undefined;
      if (kept && (!this.e2e?.isHost || this.e2e.code !== code)) {
        // A host restarted with the key its app kept (`contentKey`): it seals and opens as before.
        this.e2e = newE2eSession(code, true, kept);
        return;
      }
      if (!this.e2e?.isHost || this.e2e.code !== code) {
        // A host that resumes without the key it made (a new app start that did not keep it) holds none: it can
        // control the session but not seal (E2E_NO_KEY) or open, as in the .NET client. A fresh key of its own
        // would reuse a generation number the paired viewers already hold a different key for.
        this.e2e = newE2eSession(code, true, undefined);
      }
      return;
    }
    if (!this.e2e || this.e2e.isHost || this.e2e.code !== code) {
      this.waitingE2e(code, this.currentMemberId ?? '', requestId);
    }
    this.e2e!.memberId = this.currentMemberId;
    this.e2e!.waiting = false;
  }

  /** Host: a fresh ECDH pair for a waiting viewer, offered over SIGNAL. */
  private async offer(e2e: E2eSession, memberId: string): Promise<void> {
    const pairing = await this.crypto().ephemeral();
    e2e.pairings.set(memberId, pairing);
    await this.signalRequest(memberId, { e2e: 'offer', v: 1, pub: pairing.ownPub }, 'client');
  }

  private async onE2eSignal(e2e: E2eSession, from: string, data: Json): Promise<void> {
    if (data.e2e === 'offer' && !e2e.isHost) {
      if (!e2e.waiting || typeof data.pub !== 'string') {
        return; // Offers count only while waiting for admission, when only the host can signal this client.
      }
      const pairing = await this.crypto().ephemeral();
      await this.crypto().complete(pairing, data.pub, e2e.code, data.pub, pairing.ownPub);
      const answer: Json = { e2e: 'answer', v: 1, pub: pairing.ownPub };
      if (e2e.linkKey) {
        answer.proof = await this.crypto().proof(e2e.linkKey.raw, pairing.transcript!);
      }
      const memberId = e2e.memberId ?? '';
      e2e.pairings.clear();
      e2e.pairings.set(memberId, pairing);
      this.signalRequest(from, answer, 'reply').catch((err) => this.emitE2eError(err));
      this.emit('pairing', { memberId, code: pairing.digits! });
      return;
    }
    if (data.e2e === 'answer' && e2e.isHost) {
      const pairing = e2e.pairings.get(from);
      if (!pairing || pairing.pairKey || typeof data.pub !== 'string') {
        return;
      }
      await this.crypto().complete(pairing, data.pub, e2e.code, pairing.ownPub, data.pub);
      let viaLink = false;
      if (typeof data.proof === 'string') {
        // The answer does not say which link it came by: any generation this host made may be the link's.
        for (const key of e2e.keys.values()) {
          if (await this.crypto().verifyProof(key.raw, pairing.transcript!, data.proof)) {
            viaLink = true;
            break;
          }
        }
      }
      pairing.viaLink = viaLink;
      this.emit('pairing', { memberId: from, code: pairing.digits!, viaLink });
      if (pairing.admitted) {
        await this.sendKeyTo(e2e, from, pairing);
      }
      return;
    }
    if (data.e2e === 'key' && !e2e.isHost) {
      const pairing = e2e.pairings.get(e2e.memberId ?? '');
      const g = data.g;
      if (!pairing?.pairKey || typeof g !== 'number' || !Number.isInteger(g) || g < 0 || typeof data.iv !== 'string' || typeof data.ct !== 'string') {
        return;
      }
      const raw = await this.crypto().open(pairing.pairKey, data.iv, data.ct, keyAd(e2e.code, g));
      if (!raw || raw.length !== 32) {
        throw new MirrorError('E2E_KEY_INVALID', 'A content key signal did not open with this pairing');
      }
      e2e.keys.set(g, await this.crypto().contentKey(g, raw));
      e2e.generation = Math.max(e2e.generation, g);
      for (const kind of ['customer', 'product'] as const) {
        const held = e2e.held[kind];
        if (held && isSealed(held.payload) && held.payload.g === g) {
          await this.receiveSealed(e2e, kind, held.payload, held.meta);
        }
      }
    }
  }

  /** Host: the current content key, sealed with the viewer's pairKey. Waits for the pairing to complete. */
  private async sendKeyTo(e2e: E2eSession, memberId: string, pairing: Pairing): Promise<void> {
    const key = e2e.keys.get(e2e.generation);
    if (!pairing.pairKey || !key) {
      return; // Sent once the viewer's answer completes the pairing.
    }
    const box = await this.crypto().seal(pairing.pairKey, key.raw, keyAd(e2e.code, key.generation));
    await this.signalRequest(memberId, { e2e: 'key', g: key.generation, iv: box.iv, ct: box.ct }, 'client');
  }

  /** Host, after a kick: generation G+1 to every remaining admitted, paired member. */
  private async rekey(e2e: E2eSession): Promise<void> {
    const next = await this.crypto().contentKey(e2e.generation + 1);
    e2e.keys.set(next.generation, next);
    e2e.generation = next.generation;
    for (const [memberId, pairing] of e2e.pairings) {
      if (pairing.admitted) {
        await this.sendKeyTo(e2e, memberId, pairing);
      }
    }
  }

  private async resendCurrent(e2e: E2eSession): Promise<void> {
    if (e2e.current.customer != null) {
      await this.sendCustomer(e2e.current.customer);
    }
    if (e2e.current.product != null) {
      await this.sendProduct(e2e.current.product);
    }
  }

  private async sealState(e2e: E2eSession, kind: StateKind, value: unknown): Promise<unknown> {
    if (value === null) {
      return null;
    }
    const key = e2e.keys.get(e2e.generation);
    if (!key) {
      throw new MirrorError('E2E_NO_KEY', 'This client has no content key of the session yet');
    }
    const box = await this.crypto().seal(key.aes, utf8(JSON.stringify(value)), stateAd(e2e.code, kind, key.generation));
    return { e2e: 1, g: key.generation, iv: box.iv, ct: box.ct };
  }

  private async openState(e2e: E2eSession, kind: StateKind, sealed: { g: number; iv: string; ct: string }): Promise<{ value: unknown } | 'no_key' | 'failed'> {
    const key = e2e.keys.get(sealed.g);
    if (!key) {
      return 'no_key';
    }
    const plain = await this.crypto().open(key.aes, sealed.iv, sealed.ct, stateAd(e2e.code, kind, sealed.g));
    if (!plain) {
      return 'failed';
    }
    try {
      return { value: JSON.parse(new TextDecoder().decode(plain)) };
    } catch {
      return 'failed';
    }
  }

  private async receiveSealed(e2e: E2eSession, kind: StateKind, sealed: { g: number; iv: string; ct: string }, meta: StateMeta): Promise<void> {
    const opened = await this.openState(e2e, kind, sealed);
    if (this.e2e !== e2e) {
      return; // The client left that session meanwhile.
    }
    if (typeof opened === 'object') {
      delete e2e.held[kind];
      e2e.current[kind] = opened.value;
      this.emit(kind, opened.value, meta);
      return;
    }
    // Keep the latest sealed state of the kind; it opens when its key comes.
    e2e.held[kind] = { payload: sealed, meta };
    if (opened === 'failed' || e2e.keys.size > 0) {
      this.emit('undecryptable', { kind, generation: sealed.g, reason: opened });
    }
  }

  private enterSession(code: string | undefined, role: Role, resumeToken: string | undefined, memberId: string | undefined): void {
    if (!code) {
      throw new MirrorError('MALFORMED_MESSAGE', 'A session reply without a session id');
    }
    if (code !== this.currentSessionId) {
      this.lastSeq.customer = 0;
      this.lastSeq.product = 0;
    }
    this.currentSessionId = code;
    this.currentRole = role;
    this.currentResumeToken = resumeToken;
    this.currentMemberId = memberId;
  }

  private clearSession(): void {
    this.currentSessionId = undefined;
    this.currentMemberId = undefined;
    this.e2e = undefined;
    this.currentRole = undefined;
    this.currentResumeToken = undefined;
    this.lastSeq.customer = 0;
    this.lastSeq.product = 0;
  }

  // ---- events ----

  private setState(state: ConnectionState): void {
    if (this.currentState === state) {
      return;
    }
    this.currentState = state;
    this.emit('state', state);
  }

  private emitError(error: MirrorError): void {
    this.emit('error', error);
  }

  /** Calls each handler; one that throws does not stop the others nor the client. */
  private emit<E extends MirrorClientEvent>(event: E, ...args: Parameters<MirrorClientEvents[E]>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) {
      return;
    }
    for (const handler of [...set]) {
      try {
        handler(...args);
      } catch (err) {
        if (event !== 'error') {
          this.emit('error', new MirrorError('LISTENER_ERROR', `A '${event}' handler threw`, err));
        }
      }
    }
  }
}
