package org.bitsieve.core.io;

import org.bitsieve.core.encode.Encoder;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Encoders known by name, so a file can reference one instead of copying it: the general encoders shipped in the
 * embed jar are 789 KB each, more than the codes of a small collection. Resolvers are found with
 * {@link ServiceLoader} (the embed module registers the shipped encoders as {@code shipped:<model>-<bits>}); a
 * reference is always stored with the encoder's fingerprint, and a resolved encoder must match it.
 */
public final class EncoderRefs {
    /** Maps names to encoders and back. */
    public interface Resolver {
        /** The encoder a reference names, if this resolver knows the name. */
        Optional<Encoder> resolve(String ref);

        /**
         * The encoder a reference names with this fingerprint: the current one, or an earlier version the resolver
         * still keeps (a shipped encoder that was refitted stays resolvable, so collections made before keep opening).
         */
        default Optional<Encoder> resolve(String ref, long fingerprint) {
            return resolve(ref);
        }

        /** The name under which this resolver knows an encoder equal to {@code e} (same fingerprint), if any. */
        Optional<String> refOf(Encoder e);
    }

    private static volatile List<Resolver> resolvers;

    private EncoderRefs() {}

    private static List<Resolver> all() {
        List<Resolver> r = resolvers;
        if (r == null) {
            r = ServiceLoader.load(Resolver.class, EncoderRefs.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
            resolvers = r;
        }
        return r;
    }

    public static Optional<Encoder> resolve(String ref) {
        for (Resolver r : all()) {
            Optional<Encoder> e = r.resolve(ref);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    /** Like {@link #resolve(String)}, preferring an encoder with this fingerprint where a resolver keeps several versions. */
    public static Optional<Encoder> resolve(String ref, long fingerprint) {
        for (Resolver r : all()) {
            Optional<Encoder> e = r.resolve(ref, fingerprint);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    public static Optional<String> refOf(Encoder e) {
        for (Resolver r : all()) {
            Optional<String> n = r.refOf(e);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }
}
