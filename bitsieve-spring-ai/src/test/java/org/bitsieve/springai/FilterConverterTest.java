package org.bitsieve.springai;

import org.bitsieve.store.filter.MetaFilter;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Spring AI filter trees to {@link MetaFilter}, node for node; text and builder forms give the same filter. */
class FilterConverterTest {
    private final FilterExpressionTextParser parser = new FilterExpressionTextParser();
    private final FilterExpressionBuilder b = new FilterExpressionBuilder();

    private MetaFilter text(String s) {
        return FilterConverter.convert(parser.parse(s));
    }

    @Test
    void everyOperatorMapsToItsStoreFilter() {
        assertThat(text("country == 'BG'")).isEqualTo(MetaFilter.eq("country", "BG"));
        assertThat(text("country != 'BG'")).isEqualTo(MetaFilter.ne("country", "BG"));
        assertThat(text("year > 2020")).isEqualTo(MetaFilter.gt("year", 2020));
        assertThat(text("year >= 2020")).isEqualTo(MetaFilter.gte("year", 2020));
        assertThat(text("price < 20.13")).isEqualTo(MetaFilter.lt("price", 20.13));
        assertThat(text("price <= 15.6")).isEqualTo(MetaFilter.lte("price", 15.6));
        assertThat(text("big == 1746714878034235396L")).isEqualTo(MetaFilter.eq("big", 1746714878034235396L));
        assertThat(text("genre in ['comedy', 'drama']")).isEqualTo(MetaFilter.in("genre", List.of("comedy", "drama")));
        assertThat(text("year nin [2020, 2021]")).isEqualTo(MetaFilter.notIn("year", List.of(2020, 2021)));
        assertThat(text("year not in [2020]")).isEqualTo(MetaFilter.notIn("year", List.of(2020)));
        assertThat(text("a == 'x' && b == 'y'")).isEqualTo(new MetaFilter.And(MetaFilter.eq("a", "x"), MetaFilter.eq("b", "y")));
        assertThat(text("a == 'x' || b == 'y'")).isEqualTo(new MetaFilter.Or(MetaFilter.eq("a", "x"), MetaFilter.eq("b", "y")));
        assertThat(text("NOT(a == 'x')")).isEqualTo(new MetaFilter.Not(MetaFilter.eq("a", "x")));
        assertThat(text("\"foo bar 1\" == 'bar.foo'")).isEqualTo(MetaFilter.eq("foo bar 1", "bar.foo"));
        assertThat(text("isOpen == true")).isEqualTo(MetaFilter.eq("isOpen", true));
        assertThat(FilterConverter.convert(null)).isNull();
    }

    @Test
    void textAndBuilderFormsAgree() {
        assertThat(text("year >= 2020 && (country == 'BG' || city != 'Sofia')")).isEqualTo(FilterConverter.convert(
                b.and(b.gte("year", 2020), b.group(b.or(b.eq("country", "BG"), b.ne("city", "Sofia")))).build()));
        assertThat(text("NOT(genre in ['a', 'b'])")).isEqualTo(FilterConverter.convert(b.not(b.in("genre", "a", "b")).build()));
        assertThat(text("price >= 15.6 && price <= 20.13")).isEqualTo(FilterConverter.convert(
                b.and(b.gte("price", 15.6), b.lte("price", 20.13)).build()));
    }
}
