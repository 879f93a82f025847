import type { Offer } from '@aws-sdk/client-bedrock';
import { renderTable } from '../cli/render-table.ts';

const LABEL_WIDTH = 13;

/** The terms a person accepts by requesting access, as Bedrock lists them. */
export function renderOffer(offer: Offer, others: number): string {
  const terms = offer.termDetails;
  const lines = [`The offer${offer.offerId === undefined ? '' : ` ${offer.offerId}`}:`];
  const rates = terms?.usageBasedPricingTerm?.rateCard ?? [];
  if (rates.length > 0) {
    const rows = renderTable(
      ['', '', ''],
      rates.map((rate) => [
        rate.dimension ?? '',
        [rate.price, rate.unit === undefined ? undefined : `per ${singularUnit(rate.unit)}`]
          .filter((part) => part !== undefined)
          .join(' '),
        rate.description ?? '',
      ]),
    )
      .split('\n')
      .slice(1);
    rows.forEach((row, index) => {
      lines.push(`  ${(index === 0 ? 'Prices:' : '').padEnd(LABEL_WIDTH)}${row}`);
    });
  }
  const facts: Array<[string, string | undefined]> = [
    ['Legal terms', terms?.legalTerm?.url],
    ['Refunds', terms?.supportTerm?.refundPolicyDescription],
    ['Duration', terms?.validityTerm?.agreementDuration],
  ];
  for (const [label, value] of facts) {
    if (value !== undefined && value !== '')
      lines.push(`  ${`${label}:`.padEnd(LABEL_WIDTH)}${value}`);
  }
  if (others > 0) {
    lines.push(
      `  (Bedrock lists ${others} more offer${others === 1 ? '' : 's'}; this one, the first, is used.)`,
    );
  }
  return lines.join('\n');
}

/** Bedrock lists the unit as a plural word ("Units"): "0.003 per unit", not "per Units". */
function singularUnit(unit: string): string {
  return /^[A-Z][a-z]+s$/.test(unit) ? unit.slice(0, -1).toLowerCase() : unit;
}
