"""Extraction: one article in, sentences, dates, figures, attributions and actors out."""

from __future__ import annotations

from provenance.extract import actors as _actors
from provenance.extract import attributions as _attributions
from provenance.extract import dates as _dates
from provenance.extract import figures as _figures
from provenance.extract.sentences import split_sentences
from provenance.models import Article, Extraction

SEGMENTER_VERSION = "2"


def extractor_version(user_aliases: bool = True) -> str:
    """A string that changes whenever any extractor's rules change (stored with every row).

    User alias files loaded in this process (``actors.load_aliases``, ``provenance run --actors``)
    add a digest of their contents ("-u..."), since they change canonical names; with
    ``user_aliases=False`` the version of the installed rules alone (what Dask workers must share).
    """
    user = _actors.user_aliases_digest() if user_aliases else ""
    return (f"s{SEGMENTER_VERSION}-d{_dates.VERSION}-f{_figures.VERSION}-a{_attributions.VERSION}"
            f"-r{_actors.VERSION}" + (f"-u{user}" if user else ""))


def extract_article(article: Article) -> Extraction:
    """Run every extractor over one article.

    Args:
        article: An ingested article.

    Returns:
        The article with its sentences, dates, figures, attributions and actors.

    Examples:
        >>> from provenance.models import Article
        >>> x = extract_article(Article(article_id="a", text="Nothing here.", source="-"))
        >>> [len(x.sentences), len(x.figures)]
        [1, 0]
    """
    text = article.text
    sentences = split_sentences(text)
    dates = _dates.extract_dates(text, article.published, article.published_precision, sentences)
    actors = _actors.extract_actors(text, sentences)
    attributions = _attributions.extract_attributions(text, sentences, actors)
    figures = _figures.extract_figures(text, sentences, dates, attributions, article.published)
    return Extraction(
        article=article,
        sentences=tuple(sentences),
        dates=tuple(dates),
        figures=tuple(figures),
        attributions=tuple(attributions),
        actors=tuple(actors),
        extractor_version=extractor_version(),
    )


__all__ = ["extract_article", "extractor_version", "split_sentences"]
