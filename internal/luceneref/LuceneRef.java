// LuceneRef reads documents and queries on standard input and answers, on
// standard output, what Lucene 4.10 (the Lucene inside Elasticsearch 1.x,
// which logstash.openstack.org ran) makes of each query and which
// documents it matches. It is recheckgen's reference for the differential
// test (internal/luceneref); the index is elastic-recheck's mapping:
// `message` analyzed by the standard analyzer with no stop words, every
// other field an exact value; the query parser has Elasticsearch 1.x's
// query_string settings.
//
// Input lines, fields separated by tabs (\t, \n and \\ escaped):
//   OP AND|OR              default operator for the queries that follow
//   DOC id                 starts a document
//   F field value          a field of the current document (repeat for lists)
//   INDEX                  indexes the documents given so far
//   T id text              the words of text in `message`
//   Q id query             parse and run a query
// Output lines:
//   T id pos:word ...      each word with its position increment
//   Q id OK tree ids       the query in a neutral form, and the matching ids
//   Q id NULL              the query has nothing left (Elasticsearch: no match)
//   Q id ERR message       Lucene refused it
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.util.CharArraySet;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.store.RAMDirectory;
import org.apache.lucene.util.Version;

public class LuceneRef {
    static final Version V = Version.LUCENE_4_10_4;
    static final Analyzer STD = new StandardAnalyzer(CharArraySet.EMPTY_SET);
    static final Analyzer ANALYZER;
    static {
        Map<String, Analyzer> m = new HashMap<>();
        m.put("message", STD);
        m.put("@message", STD);
        ANALYZER = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), m);
    }

    // An exists query (`_exists_:field` and `field:*` in Elasticsearch):
    // a document with any term in the field.
    static class ExistsQuery extends TermRangeQuery {
        ExistsQuery(String field) { super(field, null, null, true, true); }
    }

    // Elasticsearch 1.x's MapperQueryParser, as far as a query over these
    // fields sees it.
    static class ESParser extends QueryParser {
        ESParser() {
            super(V, "message", ANALYZER);
            setAllowLeadingWildcard(true);
            setLowercaseExpandedTerms(true);
            setAutoGeneratePhraseQueries(false);
        }

        @Override
        protected Query getFieldQuery(String field, String text, boolean quoted) throws ParseException {
            if ("_exists_".equals(field)) return new ExistsQuery(text);
            // Elasticsearch's one-sided ranges: field:>a, >=a, <a, <=a.
            if (!quoted && text.length() > 1 && (text.charAt(0) == '>' || text.charAt(0) == '<')) {
                boolean eq = text.charAt(1) == '=';
                String v = text.substring(eq ? 2 : 1);
                if (text.charAt(0) == '>') return getRangeQuery(field, v, null, eq, true);
                return getRangeQuery(field, null, v, true, eq);
            }
            return super.getFieldQuery(field, text, quoted);
        }

        @Override
        protected Query getWildcardQuery(String field, String text) throws ParseException {
            if ("*".equals(text)) {
                if ("*".equals(field) || "message".equals(field)) return newMatchAllDocsQuery();
                return new ExistsQuery(field);
            }
            return super.getWildcardQuery(field, text);
        }

        // fixNegativeQueryIfNeeded: a group of only negative clauses
        // matches everything but them.
        @Override
        protected Query getBooleanQuery(List<BooleanClause> clauses, boolean disableCoord) throws ParseException {
            Query q = super.getBooleanQuery(clauses, disableCoord);
            if (q instanceof BooleanQuery) {
                BooleanQuery bq = (BooleanQuery) q;
                boolean allNot = bq.clauses().size() > 0;
                for (BooleanClause c : bq.clauses()) allNot &= c.getOccur() == BooleanClause.Occur.MUST_NOT;
                if (allNot) bq.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
            }
            return q;
        }
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        RAMDirectory dir = new RAMDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(V, ANALYZER));
        Document doc = null;
        IndexSearcher searcher = null;
        QueryParser.Operator op = QueryParser.Operator.OR;
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\t", -1);
            for (int i = 0; i < f.length; i++) f[i] = unescape(f[i]);
            switch (f[0]) {
            case "OP":
                op = f[1].equals("AND") ? QueryParser.Operator.AND : QueryParser.Operator.OR;
                break;
            case "DOC":
                if (doc != null) w.addDocument(doc);
                doc = new Document();
                doc.add(new StringField("_id", f[1], Field.Store.YES));
                break;
            case "F":
                if (f[1].equals("message") || f[1].equals("@message")) doc.add(new TextField(f[1], f[2], Field.Store.NO));
                else doc.add(new StringField(f[1], f[2], Field.Store.NO));
                break;
            case "INDEX":
                if (doc != null) w.addDocument(doc);
                doc = null;
                w.commit();
                searcher = new IndexSearcher(DirectoryReader.open(dir));
                break;
            case "T":
                out.print("T\t" + escape(f[1]));
                try (TokenStream ts = STD.tokenStream("message", f[2])) {
                    CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                    PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) out.print("\t" + pos.getPositionIncrement() + ":" + escape(term.toString()));
                    ts.end();
                }
                out.println();
                break;
            case "Q":
                out.print("Q\t" + escape(f[1]) + "\t");
                ESParser p = new ESParser();
                p.setDefaultOperator(op);
                Query q;
                try {
                    q = p.parse(f[2]);
                } catch (ParseException | RuntimeException e) {
                    out.println("ERR\t" + escape(String.valueOf(e.getMessage()).split("\n")[0]));
                    break;
                }
                if (q == null || (q instanceof BooleanQuery && ((BooleanQuery) q).clauses().isEmpty())) {
                    out.println("NULL");
                    break;
                }
                StringBuilder ids = new StringBuilder();
                if (searcher != null) {
                    TopDocs td = searcher.search(q, Math.max(1, searcher.getIndexReader().maxDoc()));
                    List<String> found = new ArrayList<>();
                    for (ScoreDoc sd : td.scoreDocs) found.add(searcher.doc(sd.doc).get("_id"));
                    Collections.sort(found);
                    ids.append(String.join(" ", found));
                }
                out.println("OK\t" + escape(render(q)) + "\t" + escape(ids.toString()));
                break;
            default:
                throw new IllegalArgumentException("unknown input line: " + f[0]);
            }
        }
        out.flush();
    }

    // render writes q in a neutral form the Go side writes too: SHOULD
    // clauses beside required ones dropped (they only score), match-all
    // dropped beside others, nested ANDs and ORs flattened.
    static String render(Query q) {
        if (q instanceof BooleanQuery) {
            List<String> must = new ArrayList<>(), should = new ArrayList<>(), not = new ArrayList<>();
            for (BooleanClause c : ((BooleanQuery) q).clauses()) {
                String s = render(c.getQuery());
                switch (c.getOccur()) {
                case MUST: must.add(s); break;
                case SHOULD: should.add(s); break;
                default: not.add("NOT(" + s + ")");
                }
            }
            List<String> parts = new ArrayList<>();
            if (!must.isEmpty()) parts.addAll(must);
            else if (!should.isEmpty()) parts.add(junction("OR", should));
            parts.addAll(not);
            return junction("AND", parts);
        }
        if (q instanceof MatchAllDocsQuery) return "ALL";
        if (q instanceof ExistsQuery) return "X(" + quote(((ExistsQuery) q).getField()) + ")";
        if (q instanceof TermQuery) {
            Term t = ((TermQuery) q).getTerm();
            return "T(" + quote(t.field()) + "," + quote(t.text()) + ")";
        }
        if (q instanceof PhraseQuery) {
            PhraseQuery pq = (PhraseQuery) q;
            StringBuilder b = new StringBuilder("P(" + quote(pq.getTerms()[0].field()) + ",");
            Term[] ts = pq.getTerms();
            int[] pos = pq.getPositions();
            for (int i = 0; i < ts.length; i++) b.append(i > 0 ? " " : "").append(pos[i] - pos[0]).append(":").append(quote(ts[i].text()));
            return b.append(",").append(pq.getSlop()).append(")").toString();
        }
        if (q instanceof PrefixQuery) {
            Term t = ((PrefixQuery) q).getPrefix();
            return "W(" + quote(t.field()) + "," + quote(escapeWild(t.text()) + "*") + ")";
        }
        if (q instanceof WildcardQuery) {
            Term t = ((WildcardQuery) q).getTerm();
            return "W(" + quote(t.field()) + "," + quote(normalWild(t.text())) + ")";
        }
        if (q instanceof RegexpQuery) {
            RegexpQuery r = (RegexpQuery) q;
            String s = r.toString();
            String prefix = r.getField() + ":/";
            // The query parser leaves `\/` in the pattern; it is a `/`.
            return "R(" + quote(r.getField()) + "," + quote(s.substring(prefix.length(), s.lastIndexOf('/')).replace("\\/", "/")) + ")";
        }
        if (q instanceof FuzzyQuery) {
            FuzzyQuery fq = (FuzzyQuery) q;
            return "F(" + quote(fq.getField()) + "," + quote(fq.getTerm().text()) + "," + fq.getMaxEdits() + ")";
        }
        if (q instanceof TermRangeQuery) {
            TermRangeQuery r = (TermRangeQuery) q;
            String lo = r.getLowerTerm() == null ? "[*" : (r.includesLower() ? "[" : "{") + quote(r.getLowerTerm().utf8ToString());
            String hi = r.getUpperTerm() == null ? "*]" : quote(r.getUpperTerm().utf8ToString()) + (r.includesUpper() ? "]" : "}");
            return "RG(" + quote(r.getField()) + "," + lo + "," + hi + ")";
        }
        return "?" + q.getClass().getSimpleName() + "(" + q + ")";
    }

    static String junction(String op, List<String> parts) {
        List<String> flat = new ArrayList<>();
        for (String p : parts) {
            if (p.startsWith(op + "(") && p.endsWith(")") && balanced(p.substring(op.length() + 1, p.length() - 1))) {
                flat.addAll(splitTop(p.substring(op.length() + 1, p.length() - 1)));
            } else {
                flat.add(p);
            }
        }
        if (op.equals("AND") && flat.size() > 1) flat.removeIf(s -> s.equals("ALL"));
        if (flat.size() == 1) return flat.get(0);
        return op + "(" + String.join(",", flat) + ")";
    }

    // balanced reports s as a list of whole items: its parentheses, outside
    // quoted strings, never close below depth zero.
    static boolean balanced(String s) {
        int depth = 0;
        boolean q = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q) { if (c == '\\') i++; else if (c == '"') q = false; continue; }
            if (c == '"') q = true;
            else if (c == '(') depth++;
            else if (c == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }

    static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean q = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q) { if (c == '\\') i++; else if (c == '"') q = false; continue; }
            if (c == '"') q = true;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) { out.add(s.substring(start, i)); start = i + 1; }
        }
        out.add(s.substring(start));
        return out;
    }

    // normalWild keeps only the escapes that matter in a wildcard pattern.
    static String normalWild(String p) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                char n = p.charAt(++i);
                if (n == '*' || n == '?' || n == '\\') b.append('\\');
                b.append(n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeWild(String s) {
        return s.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
