package org.bitsieve.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The collections the server owns: every sub-folder of the data folder whose name is a valid collection name and
 * that holds a collection. All are opened at start (the store verifies them), kept open, and closed (memtables
 * flushed) at shutdown; the store's lock keeps any other process out while the server runs.
 *
 * <p>Requests use a collection through {@link #use}, which holds the handle's read lock, so a drop (write lock)
 * waits for requests in flight on that collection and later requests see it gone.
 */
final class CollectionRegistry implements AutoCloseable {
    /** Lower-case letters, digits, '_' and '-', starting with a letter or digit: never '.', '/', '\' or empty. */
    static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");
    /** The server's note next to the store's files: which model embeds the collection's texts. */
    static final String SIDECAR = "bitsieve-server.json";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Sidecar(int format, String model, Integer bits, String encoderSource) {}

    static final class Handle {
        final String name;
        final Collection coll; // null when damaged
        final String model; // null when the sidecar is missing (a crash between create and its write) or unusable
        /** Why the sidecar names no usable model (unreadable, or a model not bundled); null when it does or is absent. */
        final String modelProblem;
        /** Why the collection could not be opened at start; null for a healthy one. */
        final String damage;
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        boolean gone;

        Handle(String name, Collection coll, String model) {
            this(name, coll, new ModelNote(model, null), null);
        }

        private Handle(String name, Collection coll, ModelNote note, String damage) {
            this.name = name;
            this.coll = coll;
            this.model = note.model();
            this.modelProblem = note.problem();
            this.damage = damage;
        }

        static Handle damaged(String name, String why) { return new Handle(name, null, new ModelNote(null, null), why); }

        boolean isDamaged() { return damage != null; }
    }

    interface Work<T> {
        T run(Handle h) throws IOException;
    }

    /** Tests only: runs between the store's create and the sidecar write, to fail a create half-way. */
    static volatile Runnable createFault;

    private final Path data;
    private final int maxCollections;
    private final Map<String, Handle> open = new TreeMap<>();
    /** Names whose drop has left the map but not yet deleted the folder; a create of one waits (guarded by this). */
    private final java.util.Set<String> dropping = new java.util.HashSet<>();
    /** Test hook: runs in a drop after the name left the map, before the folder is deleted. */
    static volatile Runnable dropHook;
    /** How long a create waits for a drop of the same name to finish deleting its folder. */
    static final long DROP_WAIT_MILLIS = 30_000;
    /** Set by {@link #close}: a create that waited for a drop must not open a collection after it (guarded by this). */
    private boolean closed;

    private CollectionRegistry(Path data, int maxCollections) {
        this.data = data;
        this.maxCollections = maxCollections;
    }

    static CollectionRegistry open(Path data) throws IOException {
        return open(data, Integer.MAX_VALUE);
    }

    /**
     * Opens every collection under {@code data} (creating the folder if needed). One that cannot be opened (the
     * store finds it corrupt, its MANIFEST is missing, another process holds it) is kept as damaged: listed with
     * its error, refused with 409 {@code collection_damaged}; the others are served. One bad folder used to stop
     * the whole server from starting.
     */
    static CollectionRegistry open(Path data, int maxCollections) throws IOException {
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new IOException("the data folder " + data + " is a file, not a folder; give --data (or \"data\" in the config) "
                    + "a folder, which is created if missing");
        }
        Files.createDirectories(data);
        CollectionRegistry r = new CollectionRegistry(data.toRealPath(), maxCollections);
        try (Stream<Path> s = Files.list(r.data)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!Files.isDirectory(p) || !NAME.matcher(n).matches()) {
                    continue;
                }
                if (!Collection.exists(p)) {
                    if (!isEmpty(p)) { // files but no MANIFEST: not absent, damaged (its name stays taken)
                        r.open.put(n, Handle.damaged(n, "the folder holds files but no MANIFEST"));
                    }
                    continue;
                }
                try {
                    r.open.put(n, new Handle(n, Collection.open(p), readModel(p), null));
                } catch (IOException | RuntimeException e) {
                    r.open.put(n, Handle.damaged(n, r.relative(e.getMessage() == null ? e.toString() : e.getMessage())));
                }
            }
        }
        return r;
    }

    /** Store messages name absolute paths; clients see them relative to the data folder. */
    private String relative(String m) {
        return m.replace(data.toString() + java.io.File.separator, "").replace(data.toString(), "");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static ApiError damaged(Handle h) {
        return new ApiError(ApiError.Code.COLLECTION_DAMAGED, "collection '" + h.name + "' is damaged and not served: " + h.damage
                + ". An operator can check it with `bitsieve verify` and fix it with `bitsieve repair` (then restart the "
                + "server), or remove its folder by hand");
    }

    /** Checks a collection name from a URL or body; the only way a name becomes a path. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            String shown = name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "..." : name;
            throw new ApiError(ApiError.Code.INVALID_COLLECTION_NAME, "invalid collection name '" + shown
                    + "': use 1-64 characters from a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    private Path folder(String name) {
        Path p = data.resolve(checkName(name)).normalize();
        if (!p.getParent().equals(data)) { // belt and braces: the regex already rules this out
            throw new ApiError(ApiError.Code.INVALID_COLLECTION_NAME, "invalid collection name '" + name + "'");
        }
        return p;
    }

    /** Runs work on a live collection while holding its read lock. */
    <T> T use(String name, Work<T> work) throws IOException {
        Handle h;
        synchronized (this) {
            h = open.get(checkName(name));
        }
        if (h == null) {
            throw notFound(name);
        }
        if (h.isDamaged()) {
            throw damaged(h);
        }
        h.lock.readLock().lock();
        try {
            if (h.gone) {
                throw notFound(name);
            }
            return work.run(h);
        } finally {
            h.lock.readLock().unlock();
        }
    }

    private static ApiError notFound(String name) {
        return new ApiError(ApiError.Code.COLLECTION_NOT_FOUND, "collection '" + name + "' does not exist; create it with POST /v1/collections");
    }

    /** Test hook: runs after a create has published its collection, before the create's answer is sent. */
    static volatile Runnable afterCreate;

    /**
     * Creates a collection and returns {@code describe} of it, computed before the collection is published: a
     * DELETE of the same name racing the create used to close it between the two, and the create answered 500
     * ("collection ... is closed") for a collection it had made.
     */
    <T> T create(String name, Encoder encoder, FloatFormat floats, String model, Integer bits, String source, Work<T> describe)
            throws IOException {
        return create(name, encoder, CollectionOptions.defaults().withFloats(floats), model, bits, source, describe);
    }

    /** {@link #create} with the collection's options (floats, coarse quantiser, automatic refit). */
    <T> T create(String name, Encoder encoder, CollectionOptions options, String model, Integer bits, String source, Work<T> describe)
            throws IOException {
        T t = createAndDescribe(name, encoder, options, model, bits, source, describe);
        Runnable hook = afterCreate;
        if (hook != null) {
            hook.run();
        }
        return t;
    }

    private synchronized <T> T createAndDescribe(String name, Encoder encoder, CollectionOptions options, String model, Integer bits,
                                                String source, Work<T> describe) throws IOException {
        Path dir = folder(name);
        // a drop of this name deletes its folder outside the lock: creating files in it meanwhile had the drop
        // delete some of them (a collection on disk without its encoder, damaged at the next start) and fail on
        // a non-empty folder (500), or the create fail (500); wait for the drop instead
        long until = System.currentTimeMillis() + DROP_WAIT_MILLIS;
        while (dropping.contains(name)) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                throw new ApiError(ApiError.Code.COLLECTION_EXISTS, "collection '" + name + "' is still being dropped; retry later");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(ApiError.Code.UNAVAILABLE, "interrupted while waiting for a drop of '" + name + "'");
            }
        }
        if (closed) {
            throw new ApiError(ApiError.Code.UNAVAILABLE, "the server is shutting down; retry later");
        }
        Handle existing = open.get(name);
        if (existing != null && existing.isDamaged()) {
            throw damaged(existing);
        }
        if (existing != null || Collection.exists(dir)) {
            throw new ApiError(ApiError.Code.COLLECTION_EXISTS, "collection '" + name + "' already exists; drop it first or pick another name");
        }
        if (open.size() >= maxCollections) {
            throw new ApiError(ApiError.Code.TOO_MANY_COLLECTIONS, "the server holds " + open.size() + " collections, its limit "
                    + "(max_collections); drop one first, or raise the limit in the server config");
        }
        // only a folder this create makes (or an empty one) is removed when the create fails half-way
        boolean ours = !Files.exists(dir) || (Files.isDirectory(dir) && isEmpty(dir));
        Collection c = null;
        try {
            c = Collection.create(dir, encoder, options);
            if (createFault != null) {
                createFault.run();
            }
            writeSidecar(dir, new Sidecar(1, model, bits, source));
        } catch (IOException | RuntimeException | Error e) {
            // a half-made folder used to keep its name taken until a restart
            if (c != null) {
                try {
                    c.close();
                } catch (IOException | RuntimeException x) {
                    e.addSuppressed(x);
                }
            }
            if (ours) {
                deleteTree(dir, e);
            }
            throw e;
        }
        Handle h = new Handle(name, c, model);
        T t;
        try {
            t = describe.run(h);
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (IOException | RuntimeException x) {
                e.addSuppressed(x);
            }
            if (ours) {
                deleteTree(dir, e);
            }
            throw e;
        }
        open.put(name, h);
        return t;
    }

    private static void deleteTree(Path dir, Throwable into) {
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException x) {
            into.addSuppressed(x);
        }
    }

    /** Drops a collection: waits for its in-flight requests, closes it, deletes its folder. */
    void drop(String name) throws IOException {
        Handle h;
        synchronized (this) {
            h = open.get(checkName(name));
            if (h == null) {
                throw notFound(name);
            }
            if (h.isDamaged()) {
                // refused, not dropped: the files may still be repairable, and deleting them is an operator's call
                throw damaged(h);
            }
            open.remove(name);
            dropping.add(name);
        }
        try {
            Runnable hook = dropHook;
            if (hook != null) {
                hook.run();
            }
            h.lock.writeLock().lock();
            try {
                h.gone = true;
                h.coll.close();
                Path dir = h.coll.dir();
                Files.deleteIfExists(dir.resolve(SIDECAR));
                Collection.drop(dir);
            } finally {
                h.lock.writeLock().unlock();
            }
        } finally {
            synchronized (this) {
                dropping.remove(name);
                notifyAll();
            }
        }
    }

    /** Every collection, damaged ones included. */
    synchronized List<Handle> all() { return new ArrayList<>(open.values()); }

    synchronized List<Handle> damaged() { return open.values().stream().filter(Handle::isDamaged).toList(); }

    synchronized List<Handle> withModelProblems() { return open.values().stream().filter(h -> h.modelProblem != null).toList(); }

    /** Open collections that refuse writes since a failure they could not undo (see {@code Collection#writeFailure}). */
    synchronized List<Handle> refusingWrites() {
        return open.values().stream().filter(h -> !h.isDamaged() && h.coll.writeFailure() != null).toList();
    }

    synchronized int healthyCount() { return (int) open.values().stream().filter(h -> !h.isDamaged()).count(); }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException first = null;
        for (Handle h : open.values()) {
            if (h.isDamaged()) {
                continue;
            }
            h.lock.writeLock().lock();
            try {
                h.gone = true;
                h.coll.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            } finally {
                h.lock.writeLock().unlock();
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    private static void writeSidecar(Path dir, Sidecar s) throws IOException {
        // written whole, fsynced, then renamed: a crash leaves the old state or the new one, never half
        Path tmp = dir.resolve(SIDECAR + ".new");
        Files.write(tmp, Json.write(s));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(SIDECAR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The model a collection's sidecar names, or null with the reason it cannot be used (the file has no checksum). */
    record ModelNote(String model, String problem) {}

    /**
     * Reads the sidecar's model. A damaged sidecar (not JSON, or naming a model that is not bundled, as one flipped
     * byte can make it) leaves the collection served for vectors, with the reason kept for the answers to text
     * requests and the start-up log; it used to be taken silently for an absent one ("no model recorded").
     */
    static ModelNote readModel(Path dir) {
        Path p = dir.resolve(SIDECAR);
        if (!Files.exists(p)) {
            return new ModelNote(null, null);
        }
        String model;
        try {
            model = Json.MAPPER.readValue(Files.readAllBytes(p), Sidecar.class).model();
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new ModelNote(null, SIDECAR + " is not readable (" + (why.length() > 200 ? why.substring(0, 200) + "..." : why) + ")");
        }
        if (model == null) {
            return new ModelNote(null, SIDECAR + " names no model");
        }
        try {
            return new ModelNote(org.bitsieve.embed.Models.spec(model).name(), null);
        } catch (RuntimeException unknown) {
            String shown = model.length() > 80 ? model.substring(0, 80) + "..." : model;
            return new ModelNote(null, SIDECAR + " names the model '" + shown + "', which is not bundled");
        }
    }
}
