package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.EncoderRefs;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A resolver the tests fill: it knows only the encoders registered here (so other tests keep their copies). */
public final class TestEncoderRefs implements EncoderRefs.Resolver {
    static final Map<String, Encoder> KNOWN = new ConcurrentHashMap<>();

    @Override
    public Optional<Encoder> resolve(String ref) { return Optional.ofNullable(KNOWN.get(ref)); }

    @Override
    public Optional<String> refOf(Encoder e) {
        long fp = EncoderFiles.fingerprint(e);
        return KNOWN.entrySet().stream().filter(x -> EncoderFiles.fingerprint(x.getValue()) == fp).map(Map.Entry::getKey).findFirst();
    }
}
