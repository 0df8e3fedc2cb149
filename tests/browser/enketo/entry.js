// Enketo in the page, as Enketo Express runs it: enketo-transformer's browser build turns the
// XForm into Enketo's HTML form and model, enketo-core renders and validates it. Bundled by
// esbuild in tests/browser/test_enketo.py; the node-only libxslt import is left out.
import { Form } from 'enketo-core';
import { transform } from 'enketo-transformer/web';

// A CSV media file as the XML secondary instance Enketo reads (as Enketo Express converts it).
function csvToXml(csv) {
    const [header, ...rows] = csv.trim().split(/\r?\n/).map((line) => line.split(','));
    const doc = document.implementation.createDocument(null, 'root', null);
    for (const row of rows) {
        const item = doc.createElement('item');
        header.forEach((name, i) => {
            const cell = doc.createElement(name);
            cell.textContent = row[i] ?? '';
            item.appendChild(cell);
        });
        doc.documentElement.appendChild(item);
    }
    return doc;
}

window.enketo = {
    async render(xform, media) {
        const out = await transform({ xform });
        const container = document.getElementById('form');
        container.innerHTML = out.form;
        const external = Object.entries(media).map(([name, csv]) => ({
            id: name.replace(/\.csv$/, ''),
            src: `jr://file-csv/${name}`,
            xml: csvToXml(csv),
        }));
        this.form = new Form(container.querySelector('form'), { modelStr: out.model, external });
        return { errors: this.form.init(), languages: out.languageMap };
    },
    // Answers every question shown, as a person going down the form would: the first choice,
    // a number, a date, a short text. Relevance then shows more questions: a few rounds.
    fillAll() {
        const form = this.form.view.html;
        const changed = (input) => input.dispatchEvent(new Event('change', { bubbles: true }));
        for (let round = 0; round < 4; round++) {
            for (const question of form.querySelectorAll('.question:not(.disabled)')) {
                // an itemset's first radio is its template, never shown
                const radios = question.querySelectorAll('label:not(.itemset-template) > input[type=radio]');
                if (radios.length) {
                    if (![...radios].some((r) => r.checked)) {
                        radios[0].checked = true;
                        changed(radios[0]);
                    }
                    continue;
                }
                const select = question.querySelector('select');
                if (select) {
                    if (!select.value) {
                        const option = [...select.options].find((o) => o.value);
                        if (option) {
                            select.value = option.value;
                            changed(select);
                        }
                    }
                    continue;
                }
                const input = question.querySelector('input:not([readonly]), textarea');
                if (!input || input.value) continue;
                const type = input.getAttribute('type');
                input.value = type === 'number' ? '3' : type === 'date' ? '2026-06-01' : 'Noted in Enketo';
                changed(input);
            }
        }
    },
    async submission() {
        const valid = await this.form.validate();
        return { valid, xml: this.form.getDataStr() };
    },
};
