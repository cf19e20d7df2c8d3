package io.hearth.engine.grammar;

/**
 * One frame of a parse stack: the next element to match in an alternative, and the frame to return to when the
 * alternative ends (null: the end of the grammar). Frames are immutable and shared between stacks, so a stack is
 * one reference, and equal stacks compare quickly by their cached hash.
 */
final class Frame {
    final int pos;
    final Frame parent;
    private final int hash;

    Frame(int pos, Frame parent) {
        this.pos = pos;
        this.parent = parent;
        this.hash = 31 * (parent == null ? 0 : parent.hash) + pos + 1;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Frame f) || f.hash != hash) return false;
        Frame a = this, b = f;
        while (a != null && b != null) {
            if (a == b) return true;
            if (a.pos != b.pos || a.hash != b.hash) return false;
            a = a.parent;
            b = b.parent;
        }
        return a == b;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
