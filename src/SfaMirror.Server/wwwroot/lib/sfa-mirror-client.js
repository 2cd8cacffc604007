// Stand-in for the TypeScript client's browser build (branch client-js), same API, no reconnect.
// Replaced by the real file when that branch lands.
export class MirrorClient {
  #url; #ws = null; #next = 1; #pending = new Map(); #handlers = new Map(); #sessionId = null;
  constructor({ url }) { this.#url = url; }
  on(event, fn) { (this.#handlers.get(event) ?? this.#handlers.set(event, []).get(event)).push(fn); return () => this.off(event, fn); }
  off(event, fn) { const l = this.#handlers.get(event); if (l) l.splice(l.indexOf(fn) >>> 0, 1); }
  #emit(event, ...args) { for (const fn of this.#handlers.get(event) ?? []) fn(...args); }
  get sessionId() { return this.#sessionId; }
  connect() {
    this.#emit('state', 'connecting');
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.#url);
      this.#ws = ws;
      ws.onopen = () => { this.#emit('state', 'open'); resolve(); };
      ws.onerror = () => reject(new Error('connection failed'));
      ws.onclose = () => {
        for (const p of this.#pending.values()) p.reject(new Error('connection closed'));
        this.#pending.clear();
        this.#emit('state', 'closed');
      };
      ws.onmessage = (e) => this.#receive(JSON.parse(e.data));
    });
  }
  close() { this.#ws?.close(1000); }
  #request(type, fields = {}) {
    const requestId = String(this.#next++);
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      this.#ws.send(JSON.stringify({ type, requestId, ...fields }));
    });
  }
  #receive(m) {
    const p = m.requestId != null ? this.#pending.get(String(m.requestId)) : undefined;
    if (p) this.#pending.delete(String(m.requestId));
    switch (m.type) {
      case 'ERROR': {
        const err = Object.assign(new Error(m.payload?.message ?? 'error'), { code: m.payload?.code });
        if (p) p.reject(err); else this.#emit('error', err);
        return;
      }
      case 'SESSION_CREATED': this.#sessionId = m.payload.sessionId; p?.resolve({ sessionId: m.payload.sessionId, resumeToken: m.payload.resumeToken }); return;
      case 'SESSION_JOINED': this.#sessionId = m.sessionId; p?.resolve({ sessionId: m.sessionId, role: m.payload.role, members: m.payload.members }); return;
      case 'SESSION_LEFT': this.#sessionId = null; p?.resolve(); return;
      case 'ACK': p?.resolve(m.payload ?? {}); return;
      case 'PONG': p?.resolve(); return;
      case 'VIEW_CUSTOMER': case 'VIEW_PRODUCT':
        this.#emit(m.type === 'VIEW_CUSTOMER' ? 'customer' : 'product', m.payload, { seq: m.seq, sessionId: m.sessionId });
        p?.resolve(m.payload); return;
      case 'PEER_JOINED': this.#emit('peerJoined', m.payload); return;
      case 'PEER_LEFT': this.#emit('peerLeft', m.payload); return;
      case 'SESSION_ENDED': this.#sessionId = null; this.#emit('sessionEnded', m.payload); p?.resolve(); return;
    }
  }
  createSession() { return this.#request('CREATE_SESSION'); }
  joinSession(code, { resumeToken } = {}) { return this.#request('JOIN_SESSION', { sessionId: code, payload: resumeToken ? { resumeToken } : undefined }); }
  sendCustomer(payload) { return this.#request('VIEW_CUSTOMER', { payload }); }
  sendProduct(payload) { return this.#request('VIEW_PRODUCT', { payload }); }
  requestCustomer() { return this.#request('REQUEST_CUSTOMER_UPDATE'); }
  requestProduct() { return this.#request('REQUEST_PRODUCT_UPDATE'); }
  leaveSession() { return this.#request('LEAVE_SESSION'); }
  endSession() { return this.#request('END_SESSION'); }
  ping() { return this.#request('PING'); }
}
