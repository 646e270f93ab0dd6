package org.bitsieve.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latency histograms in the Prometheus text exposition format (version 0.0.4). Written by
 * hand: a few lock-free adders per route are all a server of a dozen routes needs, and it keeps the hot path
 * free of a metrics library. Routes are the registered path templates, so label cardinality stays bounded.
 */
final class Metrics {
    /** Upper bounds in seconds: 0.5 ms to 10 s. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Key(String method, String route) {}

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(seconds);
        }
    }

    private final Map<Key, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>(); // "method|route|status"
    final AtomicLong inFlight = new AtomicLong();
    final LongAdder vectorsEncoded = new LongAdder();
    final LongAdder documentsWritten = new LongAdder();
    final LongAdder documentsDeleted = new LongAdder();
    final LongAdder searches = new LongAdder();
    /** Searches waiting for one of the {@code concurrent_searches} slots, and how many slots there are. */
    final AtomicLong searchesWaiting = new AtomicLong();
    volatile int searchSlots;
    /** Collections that could not be opened at start, and bodies refused for arriving too slowly. */
    volatile java.util.List<String> damagedCollections = java.util.List.of();
    volatile long slowBodiesRefused;
    volatile long answersAbandoned;

    void observe(String method, String route, int status, double seconds) {
        latency.computeIfAbsent(new Key(method, route), k -> new Histogram()).observe(seconds);
        requests.computeIfAbsent(method + "|" + route + "|" + status, k -> new LongAdder()).increment();
    }

    /** One collection's numbers for the exposition. */
    record CollectionStats(String name, long documents, Map<String, Long> bytes) {}

    String exposition(Iterable<CollectionStats> collections, long textsEmbedded, int modelsLoaded) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP bitsieve_http_requests_total HTTP requests answered, by method, route template and status.\n");
        sb.append("# TYPE bitsieve_http_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            String[] p = e.getKey().split("\\|", 3);
            sb.append("bitsieve_http_requests_total{method=\"").append(p[0]).append("\",route=\"").append(esc(p[1]))
                    .append("\",status=\"").append(p[2]).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        sb.append("# HELP bitsieve_http_request_duration_seconds Time from request start to response, by method and route template.\n");
        sb.append("# TYPE bitsieve_http_request_duration_seconds histogram\n");
        Map<String, Map.Entry<Key, Histogram>> sorted = new TreeMap<>();
        latency.entrySet().forEach(e -> sorted.put(e.getKey().route() + " " + e.getKey().method(), e));
        for (Map.Entry<Key, Histogram> e : sorted.values()) {
            String labels = "method=\"" + e.getKey().method() + "\",route=\"" + esc(e.getKey().route()) + "\"";
            Histogram h = e.getValue();
            long cum = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cum += h.counts[i].sum();
                sb.append("bitsieve_http_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(num(BUCKETS[i]))
                        .append("\"} ").append(cum).append('\n');
            }
            cum += h.counts[BUCKETS.length].sum();
            sb.append("bitsieve_http_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cum).append('\n');
            sb.append("bitsieve_http_request_duration_seconds_sum{").append(labels).append("} ").append(num(h.sum.sum())).append('\n');
            sb.append("bitsieve_http_request_duration_seconds_count{").append(labels).append("} ").append(cum).append('\n');
        }
        gauge(sb, "bitsieve_http_requests_in_flight", "Requests being handled now.", inFlight.get());
        gauge(sb, "bitsieve_searches_waiting", "Searches and classifications waiting for a scan slot.", searchesWaiting.get());
        gauge(sb, "bitsieve_search_slots", "Searches that may scan at once (concurrent_searches).", searchSlots);
        counter(sb, "bitsieve_vectors_encoded_total", "Vectors (given or embedded) encoded by /v1/encode.", vectorsEncoded.sum());
        counter(sb, "bitsieve_texts_embedded_total", "Texts run through a model (embed, encode, document writes, text queries).", textsEmbedded);
        counter(sb, "bitsieve_documents_written_total", "Documents added or replaced through the API.", documentsWritten.sum());
        counter(sb, "bitsieve_documents_deleted_total", "Documents deleted through the API.", documentsDeleted.sum());
        counter(sb, "bitsieve_searches_total", "Searches and classifications run.", searches.sum());
        gauge(sb, "bitsieve_models_loaded", "Text models loaded in memory.", modelsLoaded);
        counter(sb, "bitsieve_slow_bodies_refused_total", "Request bodies refused with 408 for arriving too slowly or too late.",
                slowBodiesRefused);
        counter(sb, "bitsieve_answers_abandoned_total", "Answers sent asynchronously that their clients did not take: they stopped "
                + "reading (idle timeout), read below the minimum rate, or went away.", answersAbandoned);
        gauge(sb, "bitsieve_collections_damaged", "Collections that could not be opened at start and are not served.",
                damagedCollections.size());
        sb.append("# HELP bitsieve_collection_damaged 1 for each collection that is damaged (see GET /v1/collections).\n");
        sb.append("# TYPE bitsieve_collection_damaged gauge\n");
        for (String d : damagedCollections) {
            sb.append("bitsieve_collection_damaged{collection=\"").append(esc(d)).append("\"} 1\n");
        }
        sb.append("# HELP bitsieve_collection_documents Live documents per collection.\n");
        sb.append("# TYPE bitsieve_collection_documents gauge\n");
        StringBuilder bytes = new StringBuilder();
        bytes.append("# HELP bitsieve_collection_bytes Bytes on disk per collection and part.\n");
        bytes.append("# TYPE bitsieve_collection_bytes gauge\n");
        for (CollectionStats c : collections) {
            sb.append("bitsieve_collection_documents{collection=\"").append(c.name()).append("\"} ").append(c.documents()).append('\n');
            for (Map.Entry<String, Long> b : c.bytes().entrySet()) {
                bytes.append("bitsieve_collection_bytes{collection=\"").append(c.name()).append("\",part=\"").append(b.getKey())
                        .append("\"} ").append(b.getValue()).append('\n');
            }
        }
        sb.append(bytes);
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
