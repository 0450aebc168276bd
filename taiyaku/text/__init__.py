"""Text knowledge shared below the stages: script tables, display width, English word forms, numbers.

Nothing here knows about documents, segments or beads; every stage may use it.

* :mod:`.script`: which characters are Japanese (letters, and script with punctuation);
* :mod:`.width`: the display width of a line, as a PDF or a terminal lays it out;
* :mod:`.english`: English word forms (the aligner's lexical stems, the terminology checks' inflections);
* :mod:`.numbers`: numbers, dates, ordinals and counters of both languages as comparable values.
"""
