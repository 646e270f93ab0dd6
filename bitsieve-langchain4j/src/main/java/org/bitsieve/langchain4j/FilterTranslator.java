package org.bitsieve.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import org.bitsieve.store.filter.MetaFilter;

import java.util.ArrayList;

/** LangChain4j's filter tree to the store's {@link MetaFilter}, node for node (the semantics already match). */
final class FilterTranslator {
    private FilterTranslator() {}

    static MetaFilter translate(Filter f) {
        if (f == null) {
            return null;
        }
        if (f instanceof IsEqualTo x) {
            return MetaFilter.eq(x.key(), x.comparisonValue());
        }
        if (f instanceof IsNotEqualTo x) {
            return MetaFilter.ne(x.key(), x.comparisonValue());
        }
        if (f instanceof IsGreaterThan x) {
            return MetaFilter.gt(x.key(), x.comparisonValue());
        }
        if (f instanceof IsGreaterThanOrEqualTo x) {
            return MetaFilter.gte(x.key(), x.comparisonValue());
        }
        if (f instanceof IsLessThan x) {
            return MetaFilter.lt(x.key(), x.comparisonValue());
        }
        if (f instanceof IsLessThanOrEqualTo x) {
            return MetaFilter.lte(x.key(), x.comparisonValue());
        }
        if (f instanceof IsIn x) {
            return MetaFilter.in(x.key(), new ArrayList<>(x.comparisonValues()));
        }
        if (f instanceof IsNotIn x) {
            return MetaFilter.notIn(x.key(), new ArrayList<>(x.comparisonValues()));
        }
        if (f instanceof ContainsString x) {
            return MetaFilter.contains(x.key(), x.comparisonValue());
        }
        if (f instanceof And x) {
            return new MetaFilter.And(translate(x.left()), translate(x.right()));
        }
        if (f instanceof Or x) {
            return new MetaFilter.Or(translate(x.left()), translate(x.right()));
        }
        if (f instanceof Not x) {
            return new MetaFilter.Not(translate(x.expression()));
        }
        throw new UnsupportedOperationException("unsupported filter " + f.getClass().getName() + ": " + f);
    }
}
