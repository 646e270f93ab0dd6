package org.bitsieve.core.search;

/** Bounded min-heap of (score, id) keeping the k highest scores; ties prefer the smaller id. */
public final class FloatHeap {
    final float[] score;
    final int[] id;
    int size;
    final int k;

    public FloatHeap(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        this.k = k;
        score = new float[k];
        id = new int[k];
    }

    private static boolean worse(float s1, int i1, float s2, int i2) {
        return s1 < s2 || (s1 == s2 && i1 > i2);
    }

    /** The score a candidate must beat to enter (negative infinity until full). */
    public float threshold() { return size < k ? Float.NEGATIVE_INFINITY : score[0]; }

    public int size() { return size; }

    public void offer(float s, int i) {
        if (size < k) {
            int c = size++;
            score[c] = s;
            id[c] = i;
            while (c > 0) {
                int p = (c - 1) >>> 1;
                if (worse(score[c], id[c], score[p], id[p])) {
                    swap(c, p);
                    c = p;
                } else {
                    break;
                }
            }
        } else if (worse(score[0], id[0], s, i)) {
            score[0] = s;
            id[0] = i;
            int c = 0;
            while (true) {
                int l = 2 * c + 1;
                int r = l + 1;
                int m = c;
                if (l < size && worse(score[l], id[l], score[m], id[m])) {
                    m = l;
                }
                if (r < size && worse(score[r], id[r], score[m], id[m])) {
                    m = r;
                }
                if (m == c) {
                    break;
                }
                swap(c, m);
                c = m;
            }
        }
    }

    private void swap(int a, int b) {
        float t = score[a];
        score[a] = score[b];
        score[b] = t;
        int u = id[a];
        id[a] = id[b];
        id[b] = u;
    }

    public void addAll(FloatHeap other) {
        for (int j = 0; j < other.size; j++) {
            offer(other.score[j], other.id[j]);
        }
    }

    public TopK toTopK() {
        Integer[] order = new Integer[size];
        for (int j = 0; j < size; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a]) : Integer.compare(id[a], id[b]));
        int[] ids = new int[size];
        float[] scores = new float[size];
        for (int j = 0; j < size; j++) {
            ids[j] = id[order[j]];
            scores[j] = score[order[j]];
        }
        return new TopK(ids, scores);
    }
}
