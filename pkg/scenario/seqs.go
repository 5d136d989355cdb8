package scenario

import "sort"

// SeqRange is an inclusive range of stream sequences.
type SeqRange struct{ First, Last uint64 }

// SeqSet is a set of stream sequences held as sorted, disjoint, non-adjacent
// ranges: a replay's acknowledgements come almost in order, so a million
// sequences usually take one range, and the set stays small however many
// events are played.
type SeqSet struct{ ranges []SeqRange }

// Add puts seq in the set.
func (s *SeqSet) Add(seq uint64) {
	n := len(s.ranges)
	if n > 0 {
		last := &s.ranges[n-1]
		switch {
		case seq >= last.First && seq <= last.Last:
			return
		case seq == last.Last+1:
			last.Last = seq
			return
		}
	}
	if n == 0 || seq > s.ranges[n-1].Last {
		s.ranges = append(s.ranges, SeqRange{seq, seq})
		return
	}
	// Out of order: the first range ending at or after seq - 1.
	i := sort.Search(n, func(i int) bool { return s.ranges[i].Last+1 >= seq })
	r := &s.ranges[i]
	switch {
	case seq >= r.First && seq <= r.Last:
		return
	case seq == r.Last+1:
		r.Last = seq
		if i+1 < n && s.ranges[i+1].First == seq+1 {
			r.Last = s.ranges[i+1].Last
			s.ranges = append(s.ranges[:i+1], s.ranges[i+2:]...)
		}
	case seq+1 == r.First:
		r.First = seq
	default:
		s.ranges = append(s.ranges, SeqRange{})
		copy(s.ranges[i+1:], s.ranges[i:])
		s.ranges[i] = SeqRange{seq, seq}
	}
}

// Ranges returns the set's ranges in order; the slice must not be changed.
func (s *SeqSet) Ranges() []SeqRange { return s.ranges }

// Len returns the number of sequences in the set.
func (s *SeqSet) Len() uint64 {
	var n uint64
	for _, r := range s.ranges {
		n += r.Last - r.First + 1
	}
	return n
}
