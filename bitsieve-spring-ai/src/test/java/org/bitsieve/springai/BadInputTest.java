package org.bitsieve.springai;

import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input gets a clear error naming what is wrong, and nothing is written: malformed filter text, type
 * mismatches, unsupported filters, unknown and blank ids, a model of the wrong dimension, metadata that is not
 * JSON, collections the store cannot serve. The real bundled model embeds.
 */
class BadInputTest {
    @TempDir
    Path dir;
    private BitsieveVectorStore store;
    private final List<Document> docs = List.of(
            new Document("a", "The World is Big and Salvation Lurks Around the Corner", Map.of("country", "BG", "year", 2020)),
            new Document("b", "The World is Big and Salvation Lurks Around the Corner", Map.of("country", "NL")),
            new Document("c", "The World is Big and Salvation Lurks Around the Corner", Map.of("country", "BG", "year", 2023)));

    @BeforeEach
    void setUp() {
        store = BitsieveVectorStore.builder(TestModels.shared()).directory(dir.resolve("kb")).build();
        store.add(docs);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private SearchRequest.Builder all() {
        return SearchRequest.builder().query("The World").topK(10).similarityThresholdAll();
    }

    @Test
    void malformedFilterTextIsRefusedAndDeletesNothing() {
        for (String bad : List.of("country == NL", "country ==", "year >> 3", "(country == 'BG'", "country in 'BG'", "&& year == 1")) {
            assertThatThrownBy(() -> store.similaritySearch(all().filterExpression(bad).build()))
                    .as(bad).isInstanceOf(FilterExpressionTextParser.FilterExpressionParseException.class);
            assertThatThrownBy(() -> store.delete(bad)).as(bad).isInstanceOf(FilterExpressionTextParser.FilterExpressionParseException.class);
        }
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void typeMismatchNamesTheFieldAndDeletesNothing() {
        // a number compared with a string field, a string with a number field: an error, not an empty result
        assertThatThrownBy(() -> store.similaritySearch(all().filterExpression("country == 5").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'country'").hasMessageContaining("type mismatch");
        assertThatThrownBy(() -> store.similaritySearch(all().filterExpression("year > '2020'").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'year'").hasMessageContaining("type mismatch");
        assertThatThrownBy(() -> store.delete("year in ['2020', '2023']"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'year'");
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void unsupportedFiltersSayWhatIsSupported() {
        // booleans compare with booleans only: a boolean against the string field is a type mismatch
        assertThatThrownBy(() -> store.similaritySearch(all().filterExpression("country == true").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'country'").hasMessageContaining("type mismatch");
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        assertThatThrownBy(() -> store.delete(b.isNull("year").build()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("ISNULL").hasMessageContaining("'year'");
        assertThatThrownBy(() -> store.similaritySearch(all().filterExpression(b.isNotNull("year").build()).build()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("ISNOTNULL");
        // hand-built trees the builder and parser never make
        assertThatThrownBy(() -> store.delete(new Filter.Expression(Filter.ExpressionType.EQ, new Filter.Key("year"),
                new Filter.Value(List.of(1, 2))))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in / nin");
        assertThatThrownBy(() -> store.delete(new Filter.Expression(Filter.ExpressionType.IN, new Filter.Key("year"),
                new Filter.Value(2020)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("list");
        assertThatThrownBy(() -> store.delete(new Filter.Expression(Filter.ExpressionType.AND, new Filter.Key("year"),
                new Filter.Value(2020)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'and'");
        assertThatThrownBy(() -> store.delete(new Filter.Expression(Filter.ExpressionType.EQ, new Filter.Key("when"),
                new Filter.Value(new java.util.Date())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported value Date");
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void unknownIdsDeleteNothingAndBlankIdsAreRefused() {
        store.delete(List.of("no-such-id", "another"));
        assertThat(store.count()).isEqualTo(3);
        assertThatThrownBy(() -> store.delete(List.of("a", " "))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.delete(Arrays.asList("a", null))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.count()).isEqualTo(3);
        store.delete(List.of("a", "no-such-id"));
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.collection().get("a")).isNull();
    }

    @Test
    void aModelOfTheWrongDimensionWritesNothing() {
        try (BitsieveVectorStore wrong = BitsieveVectorStore.builder(new HashEmbeddings(8)).collection(store.collection()).build()) {
            assertThatThrownBy(() -> wrong.add(List.of(new Document("x", "eight dimensions", Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-d").hasMessageContaining("384-d");
            assertThatThrownBy(() -> wrong.similaritySearch(all().build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the query");
        }
        assertThat(store.count()).isEqualTo(3);
        assertThat(store.collection().get("x")).isNull();
    }

    @Test
    void aBatchWithBadMetadataWritesNothing() {
        List<Document> batch = new ArrayList<>();
        batch.add(new Document("ok", "A fine document.", Map.of("k", 1)));
        batch.add(new Document("bad", "Metadata Jackson cannot write.", Map.of("k", new Object())));
        assertThatThrownBy(() -> store.add(batch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad'").hasMessageContaining("metadata");
        assertThat(store.count()).isEqualTo(3);
        assertThat(store.collection().get("ok")).isNull();
    }

    @Test
    void collectionsTheStoreCannotServeAreRefused() throws Exception {
        Path none = dir.resolve("nofloats");
        Collection c = Collection.create(none, GeneralEncoders.load("all-minilm-l6-v2", 256), CollectionOptions.defaults().withFloats(FloatFormat.NONE));
        try {
            assertThatThrownBy(() -> BitsieveVectorStore.builder(TestModels.shared()).collection(c).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps no float vectors");
        } finally {
            c.close();
        }
        assertThatThrownBy(() -> BitsieveVectorStore.builder(TestModels.shared()).directory(dir.resolve("missing")).createIfMissing(false).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("create-if-missing is off");
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
        assertThatThrownBy(() -> BitsieveVectorStore.builder(TestModels.shared()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> BitsieveVectorStore.builder(TestModels.shared()).directory(dir.resolve("o")).oversample(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oversample");
        assertThatThrownBy(() -> BitsieveVectorStore.builder(TestModels.shared()).directory(dir.resolve("b")).bits(100).build())
                .hasMessageContaining("100");
        assertThat(Files.exists(dir.resolve("b"))).isFalse();
    }
}
