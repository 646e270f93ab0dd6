package org.bitsieve.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * Request and response bodies. Requests are strict records (see {@link Json}); every field is optional at the
 * JSON level and checked by the handlers, so a missing field gets a message naming it rather than a null.
 * Field names are snake_case on the wire ({@code label_field}).
 */
final class Bodies {
    private Bodies() {}

    // ------------------------------------------------------------------ requests

    /** {@code vectorsBase64}: the vectors as one base64 string of little-endian float32, row after row (compact and exact). */
    record EncodeRequest(List<String> texts, float[][] vectors, String vectorsBase64, String model, Integer bits, String collection,
                         String format) {}

    record EmbedRequest(List<String> texts, String model, String role) {}

    record CreateCollection(String name, String model, Integer bits, String floats, String encoder, String coarse, Integer autoRefit) {}

    record DocumentIn(String id, String text, float[] vector, JsonNode metadata) {}

    record WriteDocuments(List<DocumentIn> documents, String mode) {}

    record Ids(List<String> ids, Boolean includeVectors, JsonNode where) {}

    record Filter(String field, JsonNode value) {}

    record Search(String text, float[] vector, Integer k, String mode, Integer oversample, Filter filter, JsonNode where, Integer nprobe) {}

    record Classify(String text, float[] vector, Integer k, String mode, Integer oversample, Filter filter, String labelField, JsonNode where,
                    Integer nprobe) {}

    // ------------------------------------------------------------------ responses

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(ErrorDetail error) {}

    record ErrorDetail(String code, String message) {}

    record EncodeResponse(String model, int bits, String encoder, String format, List<Object> codes) {}

    record EmbedResponse(String model, int dimension, float[][] vectors) {}

    /** {@code state} is {@code ok} or {@code damaged}; a damaged one carries only its name, state and error. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CollectionSummary(String name, String state, String model, Integer bits, Integer dimension, String floats, Integer documents,
                             String error) {}

    record CollectionList(List<CollectionSummary> collections) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CollectionInfo(String name, String model, int bits, int dimension, String floats, String encoder, int documents,
                          int deletedRows, int segments, int memtableRows, Map<String, Long> bytes, long totalBytes,
                          long indexBytes, Partitioning partitioning, int autoRefit) {}

    /** A partitioned collection's cells, their balance and the nprobe a search that names none uses (absent when unpartitioned). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Partitioning(int cells, int projection, int cellsMin, int cellsMedian, int cellsMax, int cellsEmpty, int defaultNprobe,
                        org.bitsieve.store.NprobeCalibration calibration) {}

    /** {@code POST .../calibrate}: all optional; vectors are sample queries (needed for codes-only collections). */
    record Calibrate(Double target, Integer queries, float[][] vectors) {}

    record WriteResult(int written, int replaced, int documents) {}

    record DeleteResult(int deleted, int documents) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DocumentOut(String id, String text, @JsonRawValue String metadata, float[] vector) {}

    record Documents(List<DocumentOut> documents, List<String> missing) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HitOut(String id, float score, String text, @JsonRawValue String metadata) {}

    record SearchResult(List<HitOut> hits) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClassifyResult(@JsonInclude(JsonInclude.Include.ALWAYS) String label, Map<String, Double> votes, List<HitOut> neighbours) {}

    record Dropped(String dropped) {}

    /**
     * {@code ok}, or {@code degraded} with the damaged collections named (the others are served) and those that
     * refuse writes since a failed one ({@code read_only}: still searched; a restart recovers them).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Health(String status, List<String> damaged, List<String> readOnly) {}
}
