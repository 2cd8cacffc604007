using System.Text;
using System.Text.Json;
using SfaMirror.Client.Events;

namespace SfaMirror.Client.E2e;

/// <summary>
/// One member's end-to-end state in one encrypted session (docs/security.md, protocol v1): the content keys by
/// generation, the pairings (the host's, one per viewer; a viewer's, with its host), the states waiting for a key,
/// and, on the host, the current customer and product to seal again after a kick. Thread-safe: the receive loop
/// and the application's calls both use it.
/// </summary>
internal sealed class E2eSession
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, byte[]> _keys = [];
    private readonly Dictionary<string, Pairing> _pairings = new(StringComparer.Ordinal);
    private readonly Dictionary<StateKind, (JsonElement Payload, long? Seq, long Generation)> _held = [];
    private readonly Dictionary<StateKind, JsonElement> _current = [];
    private readonly (byte[] Key, long Generation)? _link;
    private long _generation = -1;

    private E2eSession(string code, bool isHost, (byte[] Key, long Generation)? link)
    {
        Code = code.ToUpperInvariant();
        IsHost = isHost;
        _link = link;
        if (link is { } l)
        {
            _keys[l.Generation] = l.Key;
            _generation = l.Generation;
        }
    }

    public string Code { get; }

    public bool IsHost { get; }

    /// <summary>The newest generation this member holds a key for; -1 when none.</summary>
    public long Generation
    {
        get { lock (_gate) { return _generation; } }
    }

    /// <summary>The host of a new session (content key generation 0), or a host resuming with the key it kept.</summary>
    public static E2eSession ForHost(string code, byte[]? keptKey = null, long keptGeneration = 0)
    {
        var session = new E2eSession(code, isHost: true, link: null);
        session._keys[keptGeneration] = keptKey ?? E2eCrypto.NewContentKey();
        session._generation = keptGeneration;
        return session;
    }

    /// <summary>
    /// A member that joined a session this client holds no keys of. A host that resumes from another client (an app
    /// restart) has the session's key only if the app kept it; without it, it reads nothing and cannot seal
    /// (<c>NO_CONTENT_KEY</c>). A viewer has the key of the join link it came by, if any.
    /// </summary>
    public static E2eSession ForJoin(string code, bool asHost, byte[]? key, long? generation) =>
        asHost && key is not null ? ForHost(code, key, generation ?? 0) : ForViewer(code, key, generation);

    /// <summary>A viewer, with the content key from a join link's fragment when it came by one.</summary>
    public static E2eSession ForViewer(string code, byte[]? linkKey, long? linkGeneration) =>
        new(code, isHost: false, linkKey is not null ? (linkKey, linkGeneration ?? 0) : null);

    /// <summary>The current content key and its generation, for a join link's fragment (host).</summary>
    public (string Key, long Generation)? LinkSecret()
    {
        lock (_gate)
        {
            return _generation < 0 ? null : (E2eCrypto.ToBase64Url(_keys[_generation]), _generation);
        }
    }

    // ---- the host ----

    /// <summary>A fresh key pair for a waiting viewer (again after a resume: the old pairing is dropped); the offer's data.</summary>
    public JsonElement Offer(string viewerMemberId)
    {
        var key = new EphemeralKey();
        lock (_gate)
        {
            if (_pairings.Remove(viewerMemberId, out var old))
            {
                old.Key.Dispose();
            }
            _pairings[viewerMemberId] = new Pairing(key) { HostPub = key.PublicKey };
        }
        return E2eMessages.OfferData(key.PublicKey);
    }

    /// <summary>A viewer's answer: the pair key and digits, and the proof checked; null when this viewer has no offer.
    /// <see cref="PairingResult.Reply"/> is its key signal when it was admitted before it answered.</summary>
    public PairingResult? OnAnswer(string viewerMemberId, JsonElement data)
    {
        var viewerPub = E2eMessages.GetString(data, "pub") ?? throw new FormatException("answer without pub");
        lock (_gate)
        {
            if (!_pairings.TryGetValue(viewerMemberId, out var pairing) || pairing.HostPub is null)
            {
                return null;
            }
            var transcript = E2eCrypto.Transcript(Code, pairing.HostPub, viewerPub);
            var (pairKey, comparison) = E2eCrypto.DerivePair(pairing.Key.SharedSecret(viewerPub), transcript);
            pairing.PairKey = pairKey;
            pairing.Comparison = comparison;
            pairing.ViaLink = ProofIsValid(E2eMessages.GetString(data, "proof"), transcript);
            return new PairingResult(viewerMemberId, comparison, pairing.ViaLink, pairing.Admitted ? KeySignalLocked(pairing) : null);
        }
    }

    /// <summary>The viewer is admitted: its key signal now when it is paired, else when its answer comes.</summary>
    public JsonElement? Admitted(string viewerMemberId)
    {
        lock (_gate)
        {
            if (!_pairings.TryGetValue(viewerMemberId, out var pairing))
            {
                return null;
            }
            pairing.Admitted = true;
            return pairing.PairKey is null ? null : KeySignalLocked(pairing);
        }
    }

    /// <summary>The 6 digits of a viewer's pairing, once it answered.</summary>
    public string? ComparisonOf(string memberId)
    {
        lock (_gate)
        {
            return _pairings.TryGetValue(memberId, out var pairing) ? pairing.Comparison : null;
        }
    }

    /// <summary>The member is gone (left, withdrawn, denied): no more keys for it.</summary>
    public void Forget(string memberId)
    {
        lock (_gate)
        {
            if (_pairings.Remove(memberId, out var pairing))
            {
                pairing.Key.Dispose();
            }
        }
    }

    /// <summary>After a kick: generation G+1, and its key signal for every remaining admitted, paired member.</summary>
    public IReadOnlyList<(string MemberId, JsonElement Data)> Rekey(string kickedMemberId)
    {
        lock (_gate)
        {
            if (_pairings.Remove(kickedMemberId, out var kicked))
            {
                kicked.Key.Dispose();
            }
            _generation++;
            _keys[_generation] = E2eCrypto.NewContentKey();
            return [.. _pairings.Where(p => p.Value is { Admitted: true, PairKey: not null }).Select(p => (p.Key, KeySignalLocked(p.Value)))];
        }
    }

    /// <summary>The customer and product as last sent or opened (null ones included), to seal again under a new generation.</summary>
    public IReadOnlyList<(StateKind Kind, JsonElement Payload)> CurrentStates()
    {
        lock (_gate)
        {
            return [.. _current.Select(p => (p.Key, p.Value))];
        }
    }

    // ---- the viewer ----

    /// <summary>The host's offer: this viewer's key pair, the pair key and digits; the answer to send back.</summary>
    public PairingResult OnOffer(string hostMemberId, JsonElement data)
    {
        var hostPub = E2eMessages.GetString(data, "pub") ?? throw new FormatException("offer without pub");
        var key = new EphemeralKey();
        var transcript = E2eCrypto.Transcript(Code, hostPub, key.PublicKey);
        var (pairKey, comparison) = E2eCrypto.DerivePair(key.SharedSecret(hostPub), transcript);
        var proof = _link is { } link ? E2eCrypto.ToBase64Url(E2eCrypto.Proof(link.Key, transcript)) : null;
        lock (_gate)
        {
            foreach (var old in _pairings.Values)
            {
                old.Key.Dispose();
            }
            _pairings.Clear();
            _pairings[hostMemberId] = new Pairing(key) { PairKey = pairKey, Comparison = comparison, HostPub = hostPub };
        }
        return new PairingResult(hostMemberId, comparison, _link is not null, E2eMessages.AnswerData(key.PublicKey, proof));
    }

    /// <summary>A <c>key</c> signal from the host: the content key of its generation; then every held state it opens
    /// (or, held under an older generation than any key now known, fails).</summary>
    public IReadOnlyList<OpenedState> OnKey(string fromMemberId, JsonElement data)
    {
        if (!E2eMessages.TryReadSealed(data, out var generation, out var iv, out var cipherText))
        {
            throw new FormatException("key signal of the wrong shape");
        }
        lock (_gate)
        {
            if (!_pairings.TryGetValue(fromMemberId, out var pairing) || pairing.PairKey is null)
            {
                throw new FormatException("key signal from a member this viewer has not paired with");
            }
            var contentKey = E2eCrypto.Open(pairing.PairKey, iv, cipherText, E2eCrypto.KeyAad(Code, generation));
            if (contentKey is not { Length: E2eCrypto.KeyBytes })
            {
                throw new FormatException("key signal that does not open with the pair key");
            }
            _keys[generation] = contentKey;
            _generation = Math.Max(_generation, generation);
            var outcomes = new List<OpenedState>();
            foreach (var (kind, held) in _held.ToList())
            {
                if (_keys.ContainsKey(held.Generation) || held.Generation < _generation)
                {
                    _held.Remove(kind);
                    outcomes.Add(OpenLocked(kind, held.Payload, held.Seq));
                }
            }
            return outcomes;
        }
    }

    // ---- both ----

    /// <summary>Seals an app payload of <paramref name="kind"/> with the current generation (<c>null</c> goes as is).</summary>
    public JsonElement Seal(StateKind kind, JsonElement payload)
    {
        lock (_gate)
        {
            _current[kind] = payload.Clone();
            if (payload.ValueKind == JsonValueKind.Null)
            {
                return payload;
            }
            if (_generation < 0)
            {
                throw new MirrorException(MirrorErrorCodes.NoContentKey, "This member has no content key yet: it cannot seal a state.");
            }
            var (iv, cipherText) = E2eCrypto.Seal(_keys[_generation], Encoding.UTF8.GetBytes(payload.GetRawText()), E2eCrypto.StateAad(Code, KindName(kind), _generation));
            return E2eMessages.Sealed(_generation, iv, cipherText);
        }
    }

    /// <summary>An incoming state: opened; held (null) until the key of a newer generation than any known arrives; or failed.</summary>
    public OpenedState? Open(StateKind kind, JsonElement payload, long? seq, bool hold = true)
    {
        lock (_gate)
        {
            if (hold && payload.ValueKind == JsonValueKind.Object && E2eMessages.TryReadSealed(payload, out var generation, out _, out _)
                && !_keys.ContainsKey(generation) && generation > _generation)
            {
                _held[kind] = (payload.Clone(), seq, generation);
                return null;
            }
            _held.Remove(kind);
            return OpenLocked(kind, payload, seq);
        }
    }

    private OpenedState OpenLocked(StateKind kind, JsonElement payload, long? seq)
    {
        if (payload.ValueKind == JsonValueKind.Null)
        {
            _current[kind] = payload.Clone();
            return new OpenedState(kind, seq, payload, null);
        }
        if (!IsSealedShape(payload) || !E2eMessages.TryReadSealed(payload, out var generation, out var iv, out var cipherText))
        {
            return new OpenedState(kind, seq, payload, "not a sealed payload");
        }
        if (!_keys.TryGetValue(generation, out var key))
        {
            return new OpenedState(kind, seq, payload, $"no key for generation {generation}");
        }
        var plain = E2eCrypto.Open(key, iv, cipherText, E2eCrypto.StateAad(Code, KindName(kind), generation));
        if (plain is null)
        {
            return new OpenedState(kind, seq, payload, "does not open (wrong key, kind, session or a changed ciphertext)");
        }
        try
        {
            using var document = JsonDocument.Parse(plain);
            var opened = document.RootElement.Clone();
            _current[kind] = opened;
            return new OpenedState(kind, seq, opened, null);
        }
        catch (JsonException)
        {
            return new OpenedState(kind, seq, payload, "opens to something that is not JSON");
        }
    }

    private static bool IsSealedShape(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("e2e", out var marker) && marker.ValueKind == JsonValueKind.Number
        && marker.TryGetInt32(out var version) && version == 1;

    private JsonElement KeySignalLocked(Pairing pairing)
    {
        var (iv, cipherText) = E2eCrypto.Seal(pairing.PairKey!, _keys[_generation], E2eCrypto.KeyAad(Code, _generation));
        return E2eMessages.KeyData(_generation, iv, cipherText);
    }

    private bool ProofIsValid(string? proof, string transcript)
    {
        if (proof is null)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = E2eCrypto.FromBase64Url(proof);
        }
        catch (FormatException)
        {
            return false;
        }
        // The link carries the key of the generation it was made in: any generation this host made may be it.
        return _keys.Values.Any(key => E2eCrypto.ProofMatches(key, transcript, bytes));
    }

    public static string KindName(StateKind kind) => kind == StateKind.Customer ? "customer" : "product";

    private sealed class Pairing(EphemeralKey key)
    {
        public EphemeralKey Key { get; } = key;

        public string? HostPub { get; set; }

        public byte[]? PairKey { get; set; }

        public string? Comparison { get; set; }

        public bool ViaLink { get; set; }

        public bool Admitted { get; set; }
    }
}
