/**
 * sfa-mirror-client: the client of the SFA Mirror relay (protocol version 1, see docs/protocol.md).
 *
 * One file with no imports on purpose: the build emits one ES module that a browser can load as it is
 * (the relay serves a copy at /lib/sfa-mirror-client.js), and React Native and Node bundle it as usual.
 */

/** Where the connection is: `open` means connected and, if the client was in a session, back in it. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type Role = 'host' | 'viewer';

/** `not_found`: after a reconnect the session was gone (the server restarted without a shared store, or it expired). */
export type SessionEndReason = 'ended_by_host' | 'expired' | 'not_found';

export type PeerLeftReason = 'left' | 'disconnected';

export interface StateMeta {
  /** The session's update counter: a higher `seq` is newer state. 0 when the server sent none. */
  seq: number;
  sessionId: string;
}

export interface PeerJoinedEvent {
  role: Role;
  members: number;
}

export interface PeerLeftEvent {
  role: Role;
  members: number;
  reason: PeerLeftReason;
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
}

/**
 * An error of the relay (its `ERROR` code: `SESSION_NOT_FOUND`, `NOT_HOST`, `RATE_LIMITED`, …) or of the
 * client: `TIMEOUT`, `CONNECTION_LOST` (the connection dropped before the answer came), `CLOSED`
 * (`close()` was called), `CONNECT_FAILED`, `MALFORMED_MESSAGE`, `UNEXPECTED_REPLY`,
 * `HOST_RESUMED_ELSEWHERE` (another connection took the host role with the resume token) and
 * `LISTENER_ERROR` (an event handler threw; the error is in `cause`).
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

  private readonly listeners = new Map<MirrorClientEvent, Set<(...args: any[]) => void>>();
  /** Requests by requestId, in the order they were made (a Map keeps insertion order). */
  private readonly pending = new Map<string, Pending>();
  private openWaiters: OpenWaiter[] = [];
  /** The resume token each pending join sent, so that the reply can tell whether this client now holds it. */
  private readonly joinTokens = new Map<string, string>();

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
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The session the client is in (the canonical upper-case code), or undefined. */
  get sessionId(): string | undefined {
    return this.currentSessionId;
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

  /** Creates a session and joins it as its host. */
  createSession(): Promise<{ sessionId: string; resumeToken: string }> {
    return this.request(
      () => ({ type: 'CREATE_SESSION' }),
      (msg) => {
        this.leftOnFailure(msg);
        expectType(msg, 'SESSION_CREATED');
        const payload = objectOf(msg.payload);
        return {
          sessionId: stringOf(payload.sessionId) ?? stringOf(msg.sessionId) ?? '',
          resumeToken: stringOf(payload.resumeToken) ?? '',
        };
      },
    );
  }

  /** Joins a session by its code: as a viewer, or as the host when given the session's resume token. */
  joinSession(code: string, opts?: { resumeToken?: string }): Promise<{ sessionId: string; role: Role; members: number }> {
    const resumeToken = opts?.resumeToken;
    return this.request(
      () => ({ type: 'JOIN_SESSION', sessionId: code, payload: resumeToken ? { resumeToken } : undefined }),
      (msg) => {
        this.leftOnFailure(msg);
        expectType(msg, 'SESSION_JOINED');
        const payload = objectOf(msg.payload);
        return {
          sessionId: stringOf(payload.sessionId) ?? stringOf(msg.sessionId) ?? code,
          role: roleOf(payload.role),
          members: numberOf(payload.members),
        };
      },
      resumeToken,
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

  // ---- requests ----

  private sendState(type: 'VIEW_CUSTOMER' | 'VIEW_PRODUCT', payload: unknown): Promise<{ delivered: number }> {
    // An absent payload means null on the wire; keep it explicit so that what is sent is what is stored.
    const value = payload === undefined ? null : payload;
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
        return msg.payload;
      },
    );
  }

  /**
   * Sends a request once the connection is ready and settles it with the reply carrying its requestId.
   * The time-out counts from the call, so waiting for a reconnect is part of it.
   */
  private request<T>(build: () => Json, interpret: (msg: Json, entry: Pending) => T, joinToken?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
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
      entry.timer = setTimeout(() => {
        this.forget(id);
        reject(new MirrorError('TIMEOUT', `${type} got no answer within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, entry);
      if (this.ready) {
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
    this.track(
      id,
      (msg) => {
        if (msg.type === 'SESSION_JOINED') {
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
      case 'SESSION_CREATED':
        this.enterSession(stringOf(payload.sessionId) ?? sessionId, 'host', stringOf(payload.resumeToken));
        break;
      case 'SESSION_JOINED': {
        const code = stringOf(payload.sessionId) ?? sessionId;
        const role = roleOf(payload.role);
        const sentToken = requestId !== undefined ? this.joinTokens.get(requestId) : undefined;
        const keptToken = code === this.currentSessionId ? this.currentResumeToken : undefined;
        this.enterSession(code, role, role === 'host' ? (sentToken ?? keptToken) : undefined);
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
        this.emit('peerJoined', { role: roleOf(payload.role), members: numberOf(payload.members) });
        break;
      case 'PEER_LEFT':
        this.emit('peerLeft', {
          role: roleOf(payload.role),
          members: numberOf(payload.members),
          reason: payload.reason === 'left' ? 'left' : 'disconnected',
        });
        break;
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
    if (!isReply) {
      // A reply to requestCustomer/requestProduct goes to its promise only.
      this.emit(kind, msg.payload, { seq: seq ?? 0, sessionId: sessionId ?? this.currentSessionId ?? '' });
    }
  }

  private enterSession(code: string | undefined, role: Role, resumeToken: string | undefined): void {
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
  }

  private clearSession(): void {
    this.currentSessionId = undefined;
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
