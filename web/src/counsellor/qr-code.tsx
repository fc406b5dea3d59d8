import { useEffect, useMemo } from 'preact/hooks';
import { renderSVG } from 'uqr';

/**
 * A QR code drawn here from the text (uqr, no network). The SVG is our own library's output for
 * a URL we built, never user HTML, so inserting it as markup is safe; it has no inline styles,
 * which the page's CSP would refuse.
 */
export function QrCode(props: { text: string; label: string; downloadLabel: string; fileName: string }) {
  const svg = useMemo(() => renderSVG(props.text, { pixelSize: 8, border: 2 }), [props.text]);
  // A file for printing on a flyer or a business card.
  const href = useMemo(() => URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), [svg]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <div class="qr">
      <figure role="img" aria-label={props.label} dangerouslySetInnerHTML={{ __html: svg }} />
      <a href={href} download={props.fileName}>
        {props.downloadLabel}
      </a>
    </div>
  );
}
