package org.bitsieve.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import org.bitsieve.core.text.Unicode;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The one JSON mapper of the server: snake_case fields, and strict. Unknown fields, duplicate keys, trailing
 * content, NaN/Infinity literals, strings where numbers belong, fractions where integers belong, and nulls for
 * primitives are all refused, each with a message naming the field.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .withCoercionConfigDefaults(c -> {
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .withCoercionConfig(LogicalType.Textual, c -> {
                c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
                c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert);
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert))
            .withCoercionConfig(LogicalType.Enum, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
            .addModule(StrictText.module())
            .addModule(finiteNumbers())
            .build();

    static {
        // request bodies are bounded by the server's body limit; keep Jackson's own limits as a second fence
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxNumberLength(400).build());
    }

    private Json() {}

    /** Parses a request body into {@code type}, turning every Jackson complaint into an {@link ApiError}. */
    public static <T> T parse(byte[] body, Class<T> type) {
        if (blank(body)) { // whitespace only was "wrong_type: expected a JSON object"
            throw new ApiError(ApiError.Code.INVALID_JSON, "the request body is empty; send a JSON object");
        }
        int bad = Unicode.firstInvalidUtf8(body);
        if (bad >= 0) {
            // Jackson decodes some malformed UTF-8 leniently (overlong C0 AE became '.'): refuse it before parsing
            throw new ApiError(ApiError.Code.INVALID_UNICODE, "the request body is not valid UTF-8 (bad byte sequence at byte "
                    + bad + "); send JSON encoded as UTF-8");
        }
        try {
            T t = MAPPER.readValue(body, type);
            if (t == null) {
                throw new ApiError(ApiError.Code.INVALID_JSON, "the request body is JSON null; send a JSON object");
            }
            return t;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", "));
            throw new ApiError(ApiError.Code.UNKNOWN_FIELD, "unknown field '" + path(e) + "'"
                    + (known.isEmpty() ? "" : "; known fields here: " + known));
        } catch (InvalidFormatException e) {
            String where = path(e);
            String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
            throw new ApiError(ApiError.Code.WRONG_TYPE, (where.isEmpty() ? "the request body" : "field '" + where + "'")
                    + " has a wrong value; expected " + expected);
        } catch (MismatchedInputException e) {
            if (clean(e.getOriginalMessage()).startsWith("Trailing token")) {
                // '{...}{}' or '{...}[]': trailing content, which is invalid_json (was wrong_type "expected a JSON object")
                throw new ApiError(ApiError.Code.INVALID_JSON, "the request body has content after its JSON object"
                        + location(e) + "; send exactly one JSON object");
            }
            String where = path(e);
            String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
            throw new ApiError(ApiError.Code.WRONG_TYPE, (where.isEmpty() ? "the request body" : "field '" + where + "'")
                    + " has the wrong type; expected " + expected);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StrictText.LoneSurrogate ls) {
                throw new ApiError(ApiError.Code.INVALID_UNICODE, "field '" + path(e) + "' " + ls.getMessage());
            }
            String m = clean(e.getOriginalMessage());
            if (nonNumeric(m)) {
                throw nonFinite("at '" + path(e) + "'");
            }
            if (m.contains("surrogate")) { // Jackson's own refusal of a broken pair in a field name
                throw new ApiError(ApiError.Code.INVALID_UNICODE, "invalid request body at '" + path(e) + "': a key is not valid "
                        + "Unicode (an unpaired UTF-16 surrogate escape)");
            }
            if (m.contains("out of range of")) {
                throw outOfRange("field '" + path(e) + "'");
            }
            boolean syntax = e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamReadException
                    || m.contains("end-of-input") || m.contains("Unexpected character");
            if (!syntax && e.getPath() != null && !e.getPath().isEmpty()) {
                // a value of the wrong shape; Jackson's own words name Java types ("Cannot construct instance of `float[][]`")
                throw new ApiError(ApiError.Code.WRONG_TYPE, "field '" + path(e) + "' has the wrong type or shape; "
                        + "see GET /openapi.json for what it takes");
            }
            m = plain(m);
            throw new ApiError(ApiError.Code.INVALID_JSON, "invalid request body at '" + path(e) + "': " + m);
        } catch (JsonProcessingException e) {
            String m = clean(e.getOriginalMessage());
            if (nonNumeric(m)) {
                throw nonFinite(location(e).strip());
            }
            if (m.contains("out of range of")) {
                throw outOfRange("a number" + location(e));
            }
            if (m.contains("surrogate")) {
                throw new ApiError(ApiError.Code.INVALID_UNICODE, "the request body is not valid Unicode: an unpaired UTF-16 "
                        + "surrogate escape" + location(e));
            }
            throw new ApiError(ApiError.Code.INVALID_JSON, "the request body is not valid JSON: " + plain(m) + location(e));
        } catch (IOException e) {
            throw new ApiError(ApiError.Code.INVALID_JSON, "the request body could not be read: " + e.getMessage());
        }
    }

    /**
     * A valid JSON integer too large for its field ({@code "k": 2147483648}, 300 digits) is a value out of range,
     * not broken JSON (was invalid_json, with the 300 digits quoted back).
     */
    private static ApiError outOfRange(String where) {
        return new ApiError(ApiError.Code.INVALID_VALUE, where + " is out of range: integers here are 32-bit "
                + "(-2147483648..2147483647), and each field has its own smaller limit (see docs/server.md)");
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean nonNumeric(String m) {
        return m.contains("Non-standard token") || m.contains("'NaN'") || m.contains("Infinity");
    }

    private static ApiError nonFinite(String where) {
        return new ApiError(ApiError.Code.NON_FINITE_VALUE, "NaN and Infinity are not JSON numbers, and vectors must hold finite "
                + "values (" + where + ")");
    }

    /** Whether a stored metadata object has {@code field} with a non-null value. */
    static boolean hasField(String metadataJson, String field) {
        try {
            JsonNode v = MAPPER.readTree(metadataJson).get(field);
            return v != null && !v.isNull();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Scores are floats computed from the client's numbers; whatever goes wrong upstream, a response never holds
     * NaN or Infinity (not JSON): a non-finite float is written as null.
     */
    private static SimpleModule finiteNumbers() {
        SimpleModule m = new SimpleModule("bitsieve-finite-numbers");
        JsonSerializer<Float> f = new StdSerializer<>(Float.class) {
            @Override
            public void serialize(Float v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Float.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        };
        JsonSerializer<Double> d = new StdSerializer<>(Double.class) {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        };
        JsonSerializer<float[]> fa = new StdSerializer<>(float[].class) {
            @Override
            public void serialize(float[] v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartArray(v, v.length);
                for (float x : v) {
                    if (Float.isFinite(x)) {
                        g.writeNumber(x);
                    } else {
                        g.writeNull();
                    }
                }
                g.writeEndArray();
            }
        };
        m.addSerializer(Float.class, f);
        m.addSerializer(float.class, f);
        m.addSerializer(Double.class, d);
        m.addSerializer(double.class, d);
        m.addSerializer(float[].class, fa);
        return m;
    }

    public static byte[] write(Object o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response serialisation failed", e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> t) {
        if (t == float[][].class) {
            return "an array of arrays of numbers";
        }
        if (t == float[].class) {
            return "an array of numbers";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "an integer";
        }
        if (t == float.class || t == Float.class || t == double.class || t == Double.class) {
            return "a number";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (java.util.List.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        if (t.isEnum()) {
            return "one of " + java.util.Arrays.toString(t.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
        }
        return "a JSON object";
    }

    private static String clean(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).replaceAll(" at \\[Source.*", "");
    }

    /** Jackson's messages without Java type names (backticked, "java.lang.X", "(class ...)"). */
    static String plain(String m) {
        return m.replaceAll("`[^`]*`", "a value").replaceAll("\\(class [^)]*\\)", "").replaceAll("\\b(java|com\\.fasterxml|org)\\.[\\w.$]+", "a value");
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
