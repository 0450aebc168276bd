"""Measurement: how good the pipeline's output is, against gold data or as MT test data.

* :mod:`.alignment`: the link-F1 metric of ``../shared/eval/README.md`` and the reliability of confidences;
* :mod:`.located`: sentences read from a PDF located in the text gold by their text, for that metric;
* :mod:`.renditions`: the gold sets typeset as PDFs in realistic layouts (``taiyaku render-pdf``);
* :mod:`.fragments`: the fragment rate of a published corpus (beads starting mid-sentence);
* :mod:`.terms_qa`: precision and recall of the terminology checks on a seeded-error set;
* :mod:`.mt`: BLEU and chrF of MT output against a published corpus (sacrebleu).

Running the pipeline on a gold set is :func:`taiyaku.pipeline.evaluate_document`; this package scores (and
renders the PDF inputs that scoring on PDFs needs).
"""
