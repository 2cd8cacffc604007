// sfa-mirror-client, built from clients/js/src/index.ts by `npm run vendor` in clients/js.
// Do not edit: change the source and run `npm run vendor` again.
/**
 * sfa-mirror-client: the client of the SFA Mirror relay (protocol version 1, see docs/protocol.md), with the
 * end-to-end encryption of docs/security.md.
 *
 * One file with no imports on purpose: the build emits one ES module that a browser can load as it is
 * (the relay serves a copy at /lib/sfa-mirror-client.js), and React Native and Node bundle it as usual.
 * The sections: types, the E2E crypto (WebCrypto only), the client.
 */
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
};
/**
 * An error of the relay (its `ERROR` code: `SESSION_NOT_FOUND`, `NOT_HOST`, `RATE_LIMITED`, …) or of the
 * client: `TIMEOUT`, `CONNECTION_LOST` (the connection dropped before the answer came), `CLOSED`
 * (`close()` was called), `CONNECT_FAILED`, `MALFORMED_MESSAGE`, `UNEXPECTED_REPLY`,
 * `HOST_RESUMED_ELSEWHERE` (another connection took the host role with the resume token), `REJOIN_FAILED`
 * (a rejoin was refused for good; the refusal is in `cause`) and `LISTENER_ERROR` (an event handler threw; the
 * error is in `cause`).
 */
export class MirrorError extends Error {
    constructor(code, message, cause) {
        super(message);
        this.name = 'MirrorError';
        this.code = code;
        if (cause !== undefined) {
            this.cause = cause;
        }
    }
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
const now = typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function objectOf(value) {
    return isObject(value) ? value : {};
}
function stringOf(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function numberOf(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
function roleOf(value) {
    return value === 'host' ? 'host' : 'viewer';
}
function errorOf(msg) {
    const payload = objectOf(msg.payload);
    return new MirrorError(stringOf(payload.code) ?? 'ERROR', stringOf(payload.message) ?? 'Error');
}
function expectType(msg, type) {
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
const utf8 = (text) => new TextEncoder().encode(text);
/** base64url without padding. */
export function toBase64Url(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
        const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
        out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
        if (i + 1 < bytes.length)
            out += B64[(n >> 6) & 63];
        if (i + 2 < bytes.length)
            out += B64[n & 63];
    }
    return out;
}
/** Decodes base64url without padding; throws on anything else. */
export function fromBase64Url(text) {
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
function isSealed(value) {
    return (isObject(value) && value.e2e === 1 && Number.isInteger(value.g) && value.g >= 0 &&
        typeof value.iv === 'string' && typeof value.ct === 'string');
}
class E2eCrypto {
    constructor(c) {
        this.c = c;
    }
    random(length) {
        return this.c.getRandomValues(new Uint8Array(length));
    }
    async contentKey(generation, raw = this.random(32)) {
        if (raw.length !== 32) {
            throw new MirrorError('E2E_MALFORMED', 'A content key is 32 bytes');
        }
        const aes = await this.c.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
        return { generation, raw, aes };
    }
    async ephemeral() {
        const pair = (await this.c.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']));
        const pub = new Uint8Array(await this.c.subtle.exportKey('raw', pair.publicKey));
        return { privateKey: pair.privateKey, ownPub: toBase64Url(pub) };
    }
    /** ECDH, transcript, HKDF: fills in the pairing's pairKey, transcript and comparison digits. */
    async complete(pairing, peerPub, code, hostPub, viewerPub) {
        const peerRaw = fromBase64Url(peerPub);
        if (peerRaw.length !== 65 || peerRaw[0] !== 4) {
            throw new MirrorError('E2E_MALFORMED', 'A public key is a 65-byte uncompressed P-256 point');
        }
        const peer = await this.c.subtle.importKey('raw', peerRaw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
        const z = await this.c.subtle.deriveBits({ name: 'ECDH', public: peer }, pairing.privateKey, 256);
        const transcript = `${E2E_PREFIX}|${code}|${hostPub}|${viewerPub}`;
        const salt = await this.c.subtle.digest('SHA-256', utf8(transcript));
        const ikm = await this.c.subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
        const okm = new Uint8Array(await this.c.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`${E2E_PREFIX} pair`) }, ikm, 36 * 8));
        pairing.pairKey = await this.c.subtle.importKey('raw', okm.slice(0, 32), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
        const n = new DataView(okm.buffer, 32, 4).getUint32(0, false) % 1000000;
        pairing.digits = String(n).padStart(6, '0');
        pairing.transcript = transcript;
    }
    async seal(key, plaintext, ad) {
        const iv = this.random(12);
        const ct = await this.c.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(ad), tagLength: 128 }, key, plaintext);
        return { iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
    }
    /** Opens an AES-256-GCM box; undefined when it does not authenticate. */
    async open(key, iv, ct, ad) {
        try {
            const plain = await this.c.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8(ad), tagLength: 128 }, key, fromBase64Url(ct));
            return new Uint8Array(plain);
        }
        catch {
            return undefined;
        }
    }
    async proof(contentKey, transcript) {
        const key = await this.c.subtle.importKey('raw', contentKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return toBase64Url(new Uint8Array(await this.c.subtle.sign('HMAC', key, utf8(transcript))));
    }
    async verifyProof(contentKey, transcript, proof) {
        try {
            const key = await this.c.subtle.importKey('raw', contentKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
            return await this.c.subtle.verify('HMAC', key, fromBase64Url(proof), utf8(transcript));
        }
        catch {
            return false;
        }
    }
}
const stateAd = (code, kind, generation) => `${E2E_PREFIX} state|${code}|${kind}|${generation}`;
const keyAd = (code, generation) => `${E2E_PREFIX} key|${code}|${generation}`;
function newE2eSession(code, isHost, contentKey) {
    const keys = new Map();
    if (contentKey) {
        keys.set(contentKey.generation, contentKey);
    }
    return { code, isHost, keys, generation: contentKey?.generation ?? 0, pairings: new Map(), current: {}, held: {} };
}
/** A join link as the console writes it: `…/?join=<joinKey>#k=<content key>&g=<generation>`. */
export function formatJoinLink(base, link) {
    const url = `${base.replace(/\/+$/, '')}/?join=${encodeURIComponent(link.joinKey)}`;
    return link.contentKey ? `${url}#k=${link.contentKey}&g=${link.generation ?? 0}` : url;
}
/** Reads a join link (`?join=<key>`, and in an encrypted session `#k=…&g=…`); undefined when it holds no join key. */
export function parseJoinLink(url) {
    const hashAt = url.indexOf('#');
    const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
    const fragment = hashAt >= 0 ? url.slice(hashAt + 1) : '';
    const query = beforeHash.includes('?') ? beforeHash.slice(beforeHash.indexOf('?') + 1) : '';
    const param = (text, name) => {
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
    constructor(options) {
        this.listeners = new Map();
        /** Requests by requestId, in the order they were made (a Map keeps insertion order). */
        this.pending = new Map();
        this.openWaiters = [];
        /** The resume token each pending join sent, so that the reply can tell whether this client now holds it. */
        this.joinTokens = new Map();
        /** The E2E start of each pending create (the content key of generation 0) or link join (the link's key). */
        this.e2eStarts = new Map();
        /** E2E work runs one step at a time, in the order the messages came, so states are emitted in order. */
        this.e2eChain = Promise.resolve();
        this.currentState = 'closed';
        this.lastSeq = { customer: 0, product: 0 };
        this.socket = null;
        /** Open and, when the client is in a session, back in it: queued requests may go. */
        this.ready = false;
        /** Whether the application wants a connection (from connect() or a request until close()). */
        this.wanted = false;
        this.attempt = 0;
        this.nextRequestId = 1;
        this.heartbeatInFlight = false;
        if (!options || typeof options.url !== 'string' || options.url.length === 0) {
            throw new TypeError('MirrorClient needs options.url, e.g. ws://localhost:3000');
        }
        const platform = globalThis.WebSocket;
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
    get memberId() {
        return this.currentMemberId;
    }
    /** `e2e` while the client is in an end-to-end encrypted session. */
    get encryption() {
        return this.e2e ? 'e2e' : undefined;
    }
    /** In an encrypted session: the generation of the content key that states are sealed with now. */
    get generation() {
        return this.e2e?.generation;
    }
    get state() {
        return this.currentState;
    }
    /** The session the client is in (the canonical upper-case code), or undefined. */
    get sessionId() {
        return this.currentSessionId;
    }
    /**
     * The host's current content key (base64url) and generation in an encrypted session, else undefined. An app
     * that must survive a restart keeps it with the resume token in the platform's secure storage and passes both
     * back: `joinSession(code, { resumeToken, ...kept })`. Whoever reads it reads the session.
     */
    get contentKey() {
        const e2e = this.e2e;
        const key = e2e?.isHost ? e2e.keys.get(e2e.generation) : undefined;
        return key ? { contentKey: toBase64Url(key.raw), generation: key.generation } : undefined;
    }
    get role() {
        return this.currentRole;
    }
    /** The host's secret for taking its role back; keep it to rejoin as host after an app restart. */
    get resumeToken() {
        return this.currentResumeToken;
    }
    /**
     * Opens the connection; resolves when it is open (and, if the client was in a session, back in it).
     * Rejects with `TIMEOUT` after `requestTimeoutMs` (the client keeps trying when reconnecting is on),
     * `CONNECT_FAILED` when reconnecting is off and the attempt failed, or `CLOSED` on `close()`.
     */
    connect() {
        if (this.currentState === 'open') {
            return Promise.resolve();
        }
        return new Promise((resolve, reject) => {
            const waiter = {
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
    async createSession(opts) {
        const payload = {};
        if (opts?.token !== undefined)
            payload.token = opts.token;
        if (opts?.viewers !== undefined)
            payload.viewers = opts.viewers;
        if (opts?.admission !== undefined)
            payload.admission = opts.admission;
        if (opts?.encryption !== undefined)
            payload.encryption = opts.encryption;
        const contentKey = opts?.encryption === 'e2e' ? await this.crypto().contentKey(0) : undefined;
        return this.request(() => ({ type: 'CREATE_SESSION', payload: Object.keys(payload).length > 0 ? payload : undefined }), (msg) => {
            this.leftOnFailure(msg);
            expectType(msg, 'SESSION_CREATED');
            const reply = objectOf(msg.payload);
            return {
                sessionId: stringOf(reply.sessionId) ?? stringOf(msg.sessionId) ?? '',
                resumeToken: stringOf(reply.resumeToken) ?? '',
                memberId: stringOf(reply.memberId) ?? '',
            };
        }, { e2eStart: contentKey ? { contentKey } : undefined });
    }
    /**
     * Joins a session by its code (or by a join link's key alone: `joinSession({ joinKey })`): as a viewer, or
     * as the host with the session's resume token. Resolves on `SESSION_JOINED`; a join that waits for the
     * host's admission emits `joinPending` and resolves once admitted (no time-out then), or rejects with
     * `JOIN_DENIED` (its `message` the reason). With `contentKey` (from an encrypted session's link) the
     * client opens states at once and proves to the host that it holds the link.
     */
    async joinSession(codeOrOptions, options) {
        const opts = typeof codeOrOptions === 'object' && codeOrOptions !== null ? codeOrOptions : (options ?? {});
        const code = typeof codeOrOptions === 'string' ? codeOrOptions : undefined;
        const payload = {};
        if (opts.resumeToken)
            payload.resumeToken = opts.resumeToken;
        if (opts.token)
            payload.token = opts.token;
        if (opts.joinKey)
            payload.joinKey = opts.joinKey;
        const contentKey = opts.contentKey
            ? await this.crypto().contentKey(opts.generation ?? 0, fromBase64Url(opts.contentKey))
            : undefined;
        return this.request(() => ({ type: 'JOIN_SESSION', sessionId: code, payload: Object.keys(payload).length > 0 ? payload : undefined }), (msg) => {
            this.leftOnFailure(msg);
            if (msg.type === 'JOIN_DENIED') {
                const reason = stringOf(objectOf(msg.payload).reason) ?? 'denied';
                throw new MirrorError('JOIN_DENIED', reason);
            }
            expectType(msg, 'SESSION_JOINED');
            const reply = objectOf(msg.payload);
            const joined = {
                sessionId: stringOf(reply.sessionId) ?? stringOf(msg.sessionId) ?? code ?? '',
                role: roleOf(reply.role),
                members: numberOf(reply.members),
                memberId: stringOf(reply.memberId) ?? '',
            };
            if (reply.hostVerified === true)
                joined.hostVerified = true;
            if (reply.encryption === 'e2e')
                joined.encryption = 'e2e';
            return joined;
        }, { joinToken: opts.resumeToken, e2eStart: contentKey ? { contentKey } : {} });
    }
    /** Sets the session's customer (null clears it) and sends it to the other members. */
    sendCustomer(payload) {
        return this.sendState('VIEW_CUSTOMER', payload);
    }
    /** Sets the session's product (null clears it) and sends it to the other members. */
    sendProduct(payload) {
        return this.sendState('VIEW_PRODUCT', payload);
    }
    /** The session's current customer, or undefined when none is set. Not also emitted as a `customer` event. */
    requestCustomer() {
        return this.requestState('REQUEST_CUSTOMER_UPDATE', 'VIEW_CUSTOMER');
    }
    /** The session's current product, or undefined when none is set. Not also emitted as a `product` event. */
    requestProduct() {
        return this.requestState('REQUEST_PRODUCT_UPDATE', 'VIEW_PRODUCT');
    }
    /** Leaves the session; the others see `peerLeft` with reason `left`. */
    leaveSession() {
        return this.request(() => ({ type: 'LEAVE_SESSION', sessionId: this.currentSessionId }), (msg) => expectType(msg, 'SESSION_LEFT'));
    }
    /** Ends the session (host only): every member, this one included, gets `sessionEnded` (`ended_by_host`). */
    endSession() {
        return this.request(() => ({ type: 'END_SESSION', sessionId: this.currentSessionId }), (msg) => expectType(msg, 'SESSION_ENDED'));
    }
    /** Round-trip time of a PING to the relay, in milliseconds. */
    ping() {
        return this.request(() => ({ type: 'PING' }), (msg, entry) => {
            expectType(msg, 'PONG');
            return now() - entry.sentAt;
        });
    }
    /** Adds an event handler; returns a function that removes it. */
    on(event, handler) {
        let set = this.listeners.get(event);
        if (!set) {
            set = new Set();
            this.listeners.set(event, set);
        }
        set.add(handler);
        return () => this.off(event, handler);
    }
    off(event, handler) {
        this.listeners.get(event)?.delete(handler);
    }
    /**
     * Closes the connection and stops reconnecting. Requests not answered yet reject with `CLOSED`.
     * The session is not left: the server keeps it for its grace period, and `connect()` rejoins it.
     */
    close() {
        this.wanted = false;
        this.clearReconnectTimer();
        const socket = this.socket;
        this.detach();
        if (socket) {
            try {
                socket.close(1000, 'client closed');
            }
            catch {
                // Already closing: nothing more to do.
            }
        }
        this.failPending(new MirrorError('CLOSED', 'The client was closed'), true);
        this.failWaiters(new MirrorError('CLOSED', 'The client was closed'));
        this.setState('closed');
    }
    /** Host: lets a waiting viewer in; in an encrypted session then sends it the content key (once paired). */
    async admit(memberId) {
        await this.hostControl('ADMIT', { memberId });
        const e2e = this.e2e;
        const pairing = e2e?.isHost ? e2e.pairings.get(memberId) : undefined;
        if (e2e && pairing) {
            pairing.admitted = true;
            await this.inE2eOrder(() => this.sendKeyTo(e2e, memberId, pairing));
        }
    }
    /** Host: turns a waiting viewer away (it gets `joinDenied` `denied`). */
    async deny(memberId) {
        await this.hostControl('DENY', { memberId });
        this.e2e?.pairings.delete(memberId);
    }
    /**
     * Host: removes a member (it gets `sessionEnded` `kicked`) or a waiting viewer. In an encrypted session the
     * client then makes generation G+1, sends it to every remaining paired member and sends the current
     * customer and product again under it, so the kicked member cannot open anything new.
     */
    async kick(memberId) {
        await this.hostControl('KICK', { memberId });
        const e2e = this.e2e;
        if (e2e?.isHost) {
            e2e.pairings.delete(memberId);
            await this.inE2eOrder(() => this.rekey(e2e));
            await this.resendCurrent(e2e);
        }
    }
    /** Host: no one may join until `unlock()`. */
    async lock() {
        await this.hostControl('LOCK_SESSION', undefined);
    }
    async unlock() {
        await this.hostControl('UNLOCK_SESSION', undefined);
    }
    /** Sends `data` (any JSON, at most 8 KiB) to one member, which gets a `signal` event. */
    signal(to, data) {
        return this.signalRequest(to, data, 'app');
    }
    signalRequest(to, data, origin) {
        return this.request(() => ({ type: 'SIGNAL', sessionId: this.currentSessionId, payload: { to, data } }), (msg) => {
            expectType(msg, 'ACK');
            return { delivered: numberOf(objectOf(msg.payload).delivered) };
        }, { origin });
    }
    /**
     * Host: a join link's key (defaults: 600 s, 1 use). In an encrypted session it comes with the current
     * content key and generation, for the link's fragment ({@link formatJoinLink}).
     */
    createJoinLink(opts) {
        const payload = {};
        if (opts?.ttlSeconds !== undefined)
            payload.ttlSeconds = opts.ttlSeconds;
        if (opts?.uses !== undefined)
            payload.uses = opts.uses;
        return this.request(() => ({ type: 'CREATE_JOIN_LINK', sessionId: this.currentSessionId, payload }), (msg) => {
            expectType(msg, 'JOIN_LINK');
            const reply = objectOf(msg.payload);
            const link = {
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
        });
    }
    // ---- requests ----
    hostControl(type, payload) {
        return this.request(() => ({ type, sessionId: this.currentSessionId, payload }), (msg) => expectType(msg, 'ACK'));
    }
    async sendState(type, payload) {
        // An absent payload means null on the wire; keep it explicit so that what is sent is what is stored.
        let value = payload === undefined ? null : payload;
        const e2e = this.e2e;
        if (e2e) {
            const kind = type === 'VIEW_CUSTOMER' ? 'customer' : 'product';
            e2e.current[kind] = value;
            value = await this.inE2eOrder(() => this.sealState(e2e, kind, value));
        }
        return this.request(() => ({ type, sessionId: this.currentSessionId, payload: value }), (msg) => {
            expectType(msg, 'ACK');
            return { delivered: numberOf(objectOf(msg.payload).delivered) };
        });
    }
    requestState(type, answer) {
        return this.request(() => ({ type, sessionId: this.currentSessionId }), (msg) => {
            if (msg.type === 'ACK') {
                return undefined;
            }
            expectType(msg, answer);
            const e2e = this.e2e;
            if (e2e && isSealed(msg.payload)) {
                const kind = answer === 'VIEW_CUSTOMER' ? 'customer' : 'product';
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
        });
    }
    /**
     * Sends a request once the connection is ready (a `reply` at once) and settles it with the reply carrying its
     * requestId. The time-out counts from the call, so waiting for a reconnect is part of it.
     */
    request(build, interpret, opts = {}) {
        const { joinToken, e2eStart, origin = 'app' } = opts;
        return new Promise((resolve, reject) => {
            if (origin !== 'app' && !this.wanted) {
                // A step of the client's own that finishes after close() must not reopen it.
                reject(new MirrorError('CLOSED', 'The client was closed'));
                return;
            }
            const id = this.newRequestId();
            const type = String(build().type);
            const entry = {
                build,
                sent: false,
                sentAt: 0,
                timer: undefined,
                onReply: (msg) => {
                    try {
                        resolve(interpret(msg, entry));
                    }
                    catch (err) {
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
            }
            else if (this.ready) {
                this.flush();
            }
            else {
                this.start();
            }
        });
    }
    /** Tracks an internal request that is sent at once (a rejoin, a heartbeat). */
    track(id, onReply, onTimeout) {
        const entry = {
            sent: true,
            sentAt: now(),
            timer: setTimeout(() => {
                this.forget(id);
                onTimeout();
            }, this.requestTimeoutMs),
            onReply,
            onFail: () => { },
        };
        this.pending.set(id, entry);
    }
    forget(id) {
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
    flush() {
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
    failPending(error, includeQueued) {
        for (const [id, entry] of [...this.pending]) {
            if (entry.sent || includeQueued) {
                this.forget(id);
                entry.onFail(error);
            }
        }
    }
    failWaiters(error) {
        const waiters = this.openWaiters;
        this.openWaiters = [];
        for (const waiter of waiters) {
            clearTimeout(waiter.timer);
            waiter.reject(error);
        }
    }
    newRequestId() {
        return `c${this.nextRequestId++}`;
    }
    send(frame) {
        const socket = this.socket;
        if (!socket || socket.readyState !== OPEN) {
            return; // The drop that follows fails the request, or it is re-sent after the reconnect.
        }
        try {
            socket.send(JSON.stringify(frame));
        }
        catch (err) {
            this.emitError(new MirrorError('SEND_FAILED', 'Could not send a message', err));
        }
    }
    /** A failed create or join to another session has already left the current one on the server. */
    leftOnFailure(msg) {
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
    start() {
        this.wanted = true;
        if (this.socket || this.reconnectTimer !== undefined) {
            return;
        }
        this.setState(this.currentState === 'closed' ? 'connecting' : 'reconnecting');
        this.openSocket();
    }
    openSocket() {
        this.reconnectTimer = undefined;
        let socket;
        try {
            socket = new this.WebSocketClass(this.url);
        }
        catch (err) {
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
        socket.onmessage = (event) => {
            if (this.socket === socket) {
                this.onMessage(event?.data);
            }
        };
        socket.onclose = (event) => {
            if (this.socket === socket) {
                this.onDrop(event?.code);
            }
        };
        socket.onerror = () => {
            // A close event follows every error; the drop is handled there.
        };
    }
    onOpen(socket) {
        this.startHeartbeat(socket);
        if (this.currentSessionId) {
            this.rejoin(this.currentSessionId);
        }
        else {
            this.becomeReady();
        }
    }
    becomeReady() {
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
    rejoin(code) {
        const id = this.newRequestId();
        const token = this.currentResumeToken;
        if (token) {
            this.joinTokens.set(id, token);
        }
        const linkKey = this.e2e?.linkKey;
        if (linkKey) {
            this.e2eStarts.set(id, { contentKey: linkKey });
        }
        this.track(id, (msg) => {
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
        }, () => this.abandon());
        this.send({ type: 'JOIN_SESSION', sessionId: code, payload: token ? { resumeToken: token } : undefined, requestId: id });
    }
    /** Lets go of the current socket without waiting for its close, which a dead link may take long to report. */
    abandon() {
        const socket = this.socket;
        if (!socket) {
            return;
        }
        this.onDrop(undefined);
        try {
            const terminate = socket.terminate;
            if (typeof terminate === 'function') {
                terminate.call(socket);
            }
            else {
                socket.close();
            }
        }
        catch {
            // Closing a socket that is already gone.
        }
    }
    detach() {
        this.socket = null;
        this.ready = false;
        this.heartbeatInFlight = false;
        if (this.heartbeatTimer !== undefined) {
            clearInterval(this.heartbeatTimer);
            this.heartbeatTimer = undefined;
        }
    }
    onDrop(closeCode) {
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
    stopWanting(error) {
        this.wanted = false;
        this.emitError(error);
        this.failPending(error, true);
        this.failWaiters(error);
        this.setState('closed');
    }
    clearReconnectTimer() {
        if (this.reconnectTimer !== undefined) {
            clearTimeout(this.reconnectTimer);
            this.reconnectTimer = undefined;
        }
    }
    /** Browsers and React Native cannot see ping frames, so the client asks for a PONG now and then. */
    startHeartbeat(socket) {
        if (!(this.heartbeatIntervalMs > 0)) {
            return;
        }
        this.heartbeatTimer = setInterval(() => {
            if (this.socket !== socket || this.heartbeatInFlight) {
                return;
            }
            this.heartbeatInFlight = true;
            const id = this.newRequestId();
            this.track(id, () => {
                // Any answer, an error included, shows the link is alive.
                if (this.socket === socket) {
                    this.heartbeatInFlight = false;
                }
            }, () => {
                if (this.socket === socket) {
                    this.abandon();
                }
            });
            this.send({ type: 'PING', requestId: id });
        }, this.heartbeatIntervalMs);
    }
    // ---- inbound ----
    onMessage(data) {
        // Back-off starts over only once a server has answered, not merely accepted: one that accepts and
        // closes at once (overloaded, restarting) keeps getting longer pauses.
        this.attempt = 0;
        if (typeof data !== 'string') {
            this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a binary frame'));
            return;
        }
        let msg;
        try {
            msg = JSON.parse(data);
        }
        catch (err) {
            this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a message that is not JSON', err));
            return;
        }
        if (!isObject(msg) || typeof msg.type !== 'string') {
            this.emitError(new MirrorError('MALFORMED_MESSAGE', 'The server sent a message without a type'));
            return;
        }
        try {
            this.dispatch(msg);
        }
        catch (err) {
            this.emitError(new MirrorError('MALFORMED_MESSAGE', `Could not handle a ${msg.type} message`, err));
        }
    }
    dispatch(msg) {
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
                const event = { sessionId: code, memberId };
                if (payload.encryption === 'e2e')
                    event.encryption = 'e2e';
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
                }
                else {
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
                    this.emit('sessionEnded', { reason: reason });
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
        }
        else if (msg.type === 'ERROR') {
            this.emitError(errorOf(msg));
        }
    }
    /** Keeps the newest state per kind: a message with a lower seq than one already seen is stale and dropped. */
    onState(kind, msg, sessionId, isReply) {
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
        const meta = { seq: seq ?? 0, sessionId: sessionId ?? this.currentSessionId ?? '' };
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
    crypto() {
        if (!this.cryptoImpl) {
            const c = this.cryptoOption ?? globalThis.crypto;
            if (!c || !c.subtle) {
                throw new MirrorError('E2E_UNAVAILABLE', 'No WebCrypto on this platform: pass options.crypto');
            }
            this.cryptoImpl = new E2eCrypto(c);
        }
        return this.cryptoImpl;
    }
    /** Runs E2E steps one after another; a step must never wait for another step (it would wait forever). */
    inE2eOrder(step) {
        const run = this.e2eChain.then(step);
        this.e2eChain = run.then(() => undefined, () => undefined);
        return run;
    }
    emitE2eError(err) {
        if (err instanceof MirrorError && err.code === 'CLOSED' && !this.wanted) {
            return; // A step that outlived close(): the app closed the client and wants no more from it.
        }
        this.emitError(err instanceof MirrorError ? err : new MirrorError('E2E_FAILED', 'An end-to-end encryption step failed', err));
    }
    /** Viewer: JOIN_PENDING of an encrypted session. Keeps the keys of the same session (a rejoin after a drop). */
    waitingE2e(code, memberId, requestId) {
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
    joinedE2e(code, role, encrypted, requestId) {
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
        this.e2e.memberId = this.currentMemberId;
        this.e2e.waiting = false;
    }
    /** Host: a fresh ECDH pair for a waiting viewer, offered over SIGNAL. */
    async offer(e2e, memberId) {
        const pairing = await this.crypto().ephemeral();
        e2e.pairings.set(memberId, pairing);
        await this.signalRequest(memberId, { e2e: 'offer', v: 1, pub: pairing.ownPub }, 'client');
    }
    async onE2eSignal(e2e, from, data) {
        if (data.e2e === 'offer' && !e2e.isHost) {
            if (!e2e.waiting || typeof data.pub !== 'string') {
                return; // Offers count only while waiting for admission, when only the host can signal this client.
            }
            const pairing = await this.crypto().ephemeral();
            await this.crypto().complete(pairing, data.pub, e2e.code, data.pub, pairing.ownPub);
            const answer = { e2e: 'answer', v: 1, pub: pairing.ownPub };
            if (e2e.linkKey) {
                answer.proof = await this.crypto().proof(e2e.linkKey.raw, pairing.transcript);
            }
            const memberId = e2e.memberId ?? '';
            e2e.pairings.clear();
            e2e.pairings.set(memberId, pairing);
            this.signalRequest(from, answer, 'reply').catch((err) => this.emitE2eError(err));
            this.emit('pairing', { memberId, code: pairing.digits });
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
                    if (await this.crypto().verifyProof(key.raw, pairing.transcript, data.proof)) {
                        viaLink = true;
                        break;
                    }
                }
            }
            pairing.viaLink = viaLink;
            this.emit('pairing', { memberId: from, code: pairing.digits, viaLink });
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
            for (const kind of ['customer', 'product']) {
                const held = e2e.held[kind];
                if (held && isSealed(held.payload) && held.payload.g === g) {
                    await this.receiveSealed(e2e, kind, held.payload, held.meta);
                }
            }
        }
    }
    /** Host: the current content key, sealed with the viewer's pairKey. Waits for the pairing to complete. */
    async sendKeyTo(e2e, memberId, pairing) {
        const key = e2e.keys.get(e2e.generation);
        if (!pairing.pairKey || !key) {
            return; // Sent once the viewer's answer completes the pairing.
        }
        const box = await this.crypto().seal(pairing.pairKey, key.raw, keyAd(e2e.code, key.generation));
        await this.signalRequest(memberId, { e2e: 'key', g: key.generation, iv: box.iv, ct: box.ct }, 'client');
    }
    /** Host, after a kick: generation G+1 to every remaining admitted, paired member. */
    async rekey(e2e) {
        const next = await this.crypto().contentKey(e2e.generation + 1);
        e2e.keys.set(next.generation, next);
        e2e.generation = next.generation;
        for (const [memberId, pairing] of e2e.pairings) {
            if (pairing.admitted) {
                await this.sendKeyTo(e2e, memberId, pairing);
            }
        }
    }
    async resendCurrent(e2e) {
        if (e2e.current.customer != null) {
            await this.sendCustomer(e2e.current.customer);
        }
        if (e2e.current.product != null) {
            await this.sendProduct(e2e.current.product);
        }
    }
    async sealState(e2e, kind, value) {
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
    async openState(e2e, kind, sealed) {
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
        }
        catch {
            return 'failed';
        }
    }
    async receiveSealed(e2e, kind, sealed, meta) {
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
    enterSession(code, role, resumeToken, memberId) {
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
    clearSession() {
        this.currentSessionId = undefined;
        this.currentMemberId = undefined;
        this.e2e = undefined;
        this.currentRole = undefined;
        this.currentResumeToken = undefined;
        this.lastSeq.customer = 0;
        this.lastSeq.product = 0;
    }
    // ---- events ----
    setState(state) {
        if (this.currentState === state) {
            return;
        }
        this.currentState = state;
        this.emit('state', state);
    }
    emitError(error) {
        this.emit('error', error);
    }
    /** Calls each handler; one that throws does not stop the others nor the client. */
    emit(event, ...args) {
        const set = this.listeners.get(event);
        if (!set || set.size === 0) {
            return;
        }
        for (const handler of [...set]) {
            try {
                handler(...args);
            }
            catch (err) {
                if (event !== 'error') {
                    this.emit('error', new MirrorError('LISTENER_ERROR', `A '${event}' handler threw`, err));
                }
            }
        }
    }
}
