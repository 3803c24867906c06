/// The page at `/`: one HTML document with its styles and script inline (no CDN, nothing fetched but
/// the API itself): title search as you type (arrow keys and Enter), a movie's card and its similar
/// movies per model, recommendations for a newcomer from a list of liked movies, a user's history beside
/// their recommendations, the latest saved evaluation and simulation. Light and dark follow
/// `prefers-color-scheme`; the layout holds at phone width.
enum WebPage {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Marquee</title>
    <link rel="icon" href="data:,">
    <style>
    :root{--bg:#fafafa;--fg:#1b1b1f;--muted:#5c5f66;--card:#fff;--line:#d9dbe0;--accent:#1f5fbf;--accent-bg:#e6eefb;--err:#a11d2b;--err-bg:#fde8ea;color-scheme:light dark}
    @media (prefers-color-scheme:dark){:root{--bg:#121316;--fg:#e8e9ec;--muted:#a3a7b0;--card:#1c1e23;--line:#353841;--accent:#7fb0ff;--accent-bg:#1d2a40;--err:#ff9aa5;--err-bg:#3a1a1f}}
    *{box-sizing:border-box}
    body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
    header{padding:12px 16px;border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;gap:8px 16px;align-items:baseline}
    header h1{margin:0;font-size:1.4rem}
    #status{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
    main{max-width:1100px;margin:0 auto;padding:12px;display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr));gap:12px}
    section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
    section.wide{grid-column:1/-1}
    h2{margin:0 0 8px;font-size:1.1rem} h3{margin:12px 0 6px;font-size:1rem}
    input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:6px 8px;max-width:100%}
    button{cursor:pointer;background:var(--accent-bg)}
    :focus-visible{outline:3px solid var(--accent);outline-offset:2px}
    .row{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
    #q{width:100%}
    ul{list-style:none;margin:0;padding:0}
    #results li,.list li{padding:6px 8px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
    #results li{cursor:pointer}
    #results li[aria-selected=true]{background:var(--accent-bg);outline:2px solid var(--accent)}
    .muted{color:var(--muted);font-size:.9rem}
    .chip{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:0 8px;margin:2px 4px 2px 0;font-size:.85rem}
    .chip button{border:0;background:none;padding:0 0 0 4px;color:var(--muted)}
    .err{color:var(--err);background:var(--err-bg);border-radius:6px;padding:6px 8px;overflow-wrap:anywhere}
    .empty{color:var(--muted);font-style:italic}
    #banner{display:none;margin:8px 12px}
    .cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr));gap:12px}
    .scroll{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;font-size:.9rem} th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap} th:first-child,td:first-child{text-align:left}
    .link{background:none;border:0;padding:0;color:var(--accent);text-decoration:underline;text-align:left}
    img.chart{max-width:100%;height:auto;background:#fff;border-radius:6px}
    dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0} dt{color:var(--muted)} dd{margin:0;overflow-wrap:anywhere}
    </style></head>
    <body>
    <header><h1>Marquee</h1><span id="status" role="status">connecting…</span></header>
    <div id="banner" class="err" role="alert"></div>
    <main>
    <section id="search-section">
      <h2><label for="q">Find a movie</label></h2>
      <input id="q" type="search" autocomplete="off" placeholder="a title, e.g. toy story" role="combobox" aria-expanded="false" aria-controls="results" aria-autocomplete="list">
      <ul id="results" role="listbox" aria-label="matching movies"></ul>
      <div id="search-msg" class="muted"></div>
    </section>
    <section id="movie-section" aria-live="polite">
      <h2>Movie</h2>
      <div id="movie"><p class="empty">Search for a title and pick it to see its card.</p></div>
      <h3>Similar movies <select id="similar-model" aria-label="model for similar movies"></select></h3>
      <ul id="similar" class="list"></ul>
    </section>
    <section id="likes-section">
      <h2>Movies I like</h2>
      <div id="likes"><p class="empty">Nothing yet: pick a movie and press “I like it”.</p></div>
      <div class="row"><label>k <input id="k" type="number" min="1" max="100" value="10" style="width:5em"></label>
      <select id="rec-model" aria-label="model for recommendations"></select>
      <button id="recommend">Recommend</button></div>
      <ul id="recs" class="list"></ul>
    </section>
    <section id="user-section">
      <h2>A user of the dataset</h2>
      <form id="user-form" class="row"><label>user id <input id="user" type="number" min="0" style="width:7em"></label><button>Show</button></form>
      <div id="user-msg"></div>
      <div class="cols"><div><h3>History</h3><ul id="history" class="list"></ul></div><div><h3>Recommendations</h3><ul id="user-recs" class="list"></ul></div></div>
    </section>
    <section id="eval-section" class="wide"><h2>Latest evaluation</h2><div id="evaluation" class="scroll"><p class="empty">loading…</p></div></section>
    <section id="sim-section" class="wide"><h2>Latest simulation</h2><div id="simulation"><p class="empty">loading…</p></div></section>
    </main>
    <script>
    "use strict";
    const $ = id => document.getElementById(id);
    const titles = new Map();
    const likes = [];
    let models = [];
    function esc(s){return String(s).replace(/[&<>"']/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));}
    class ApiError extends Error{constructor(status,body,msg){super(msg);this.status=status;this.body=body;}}
    async function api(path,opts){
      let r;
      try{r=await fetch(path,opts);}catch(e){showBanner("The server is not answering ("+e.message+"). Is marquee serve still running?");throw new ApiError(0,null,"the server is not answering");}
      hideBanner();
      let body=null;try{body=await r.json();}catch(e){}
      if(!r.ok){const m=body&&body.error?body.error.message+(body.error.field?" (field "+body.error.field+")":""):"HTTP "+r.status;throw new ApiError(r.status,body,m);}
      return body;
    }
    function showBanner(t){const b=$("banner");b.textContent=t;b.style.display="block";}
    function hideBanner(){$("banner").style.display="none";}
    function errHTML(e){return '<p class="err">'+esc(e.message)+'</p>';}
    function remember(items){for(const m of items||[])titles.set(m.movie_id,m.title);}
    function movieLine(m,extra){return '<button class="link" data-movie="'+m.movie_id+'">'+esc(m.title)+'</button> <span class="muted">#'+m.movie_id+(m.genres&&m.genres.length?" · "+esc(m.genres.join(", ")):"")+'</span>'+(extra||"");}
    function titleOf(id){return titles.has(id)?titles.get(id):"movie "+id;}
    async function resolveTitles(ids){await Promise.all(ids.filter(i=>!titles.has(i)).map(async i=>{try{const m=await api("/api/v1/movies/"+i);titles.set(i,m.title);}catch(e){}}));}
    function fillModels(sel){sel.innerHTML=models.map(m=>'<option>'+esc(m)+'</option>').join("");}

    // Search as you type, with the keyboard.
    let active=-1,found=[],seq=0,timer=null;
    const q=$("q"),results=$("results");
    q.addEventListener("input",()=>{clearTimeout(timer);timer=setTimeout(search,150);});
    q.addEventListener("keydown",e=>{
      if(e.key==="ArrowDown"&&found.length){e.preventDefault();setActive(Math.min(active+1,found.length-1));}
      else if(e.key==="ArrowUp"&&found.length){e.preventDefault();setActive(Math.max(active-1,0));}
      else if(e.key==="Enter"){e.preventDefault();if(found.length)pick(found[active<0?0:active].movie_id);}
      else if(e.key==="Escape"){closeList();}
    });
    async function search(){
      const text=q.value.trim(),mine=++seq;
      if(!text){closeList();$("search-msg").textContent="";return;}
      try{
        const r=await api("/api/v1/movies?q="+encodeURIComponent(text)+"&limit=10");
        if(mine!==seq)return;
        found=r.items;remember(found);active=-1;
        results.innerHTML=found.map((m,i)=>'<li role="option" id="opt-'+i+'" data-movie="'+m.movie_id+'" aria-selected="false">'+esc(m.title)+' <span class="muted">#'+m.movie_id+(m.genres.length?" · "+esc(m.genres.join(", ")):"")+'</span></li>').join("");
        q.setAttribute("aria-expanded",found.length?"true":"false");
        $("search-msg").innerHTML=found.length?"":'<span class="empty">No title matches “'+esc(text)+'”.</span>';
      }catch(e){if(mine===seq){found=[];results.innerHTML="";$("search-msg").innerHTML=errHTML(e);}}
    }
    function setActive(i){active=i;[...results.children].forEach((li,j)=>li.setAttribute("aria-selected",j===i?"true":"false"));q.setAttribute("aria-activedescendant","opt-"+i);const li=results.children[i];if(li)li.scrollIntoView({block:"nearest"});}
    function closeList(){found=[];active=-1;results.innerHTML="";q.setAttribute("aria-expanded","false");q.removeAttribute("aria-activedescendant");}
    results.addEventListener("click",e=>{const li=e.target.closest("li");if(li)pick(+li.dataset.movie);});
    document.addEventListener("click",e=>{const b=e.target.closest("button[data-movie]");if(b)pick(+b.dataset.movie);});

    // The movie card and its neighbours.
    let current=null;
    async function pick(id){
      closeList();
      $("movie").innerHTML='<p class="muted">loading…</p>';
      try{
        const m=await api("/api/v1/movies/"+id);current=m;titles.set(m.movie_id,m.title);
        $("movie").innerHTML='<h3 id="movie-title">'+esc(m.title)+'</h3><dl>'+
          '<dt>movie id</dt><dd id="movie-id">'+m.movie_id+'</dd>'+
          '<dt>year</dt><dd id="movie-year">'+(m.year??"unknown")+'</dd>'+
          '<dt>genres</dt><dd id="movie-genres">'+(m.genres.length?m.genres.map(g=>'<span class="chip">'+esc(g)+'</span>').join(""):"none listed")+'</dd>'+
          '<dt>popularity</dt><dd id="movie-positives">'+m.positives+' positives (ratings ≥ '+m.threshold+')</dd>'+
          '<dt>ratings</dt><dd id="movie-ratings">'+m.ratings+(m.mean_rating!=null?' · mean '+m.mean_rating.toFixed(2):'')+'</dd></dl>'+
          '<button id="like">I like it</button>';
        $("like").onclick=()=>addLike(m.movie_id);
        similar();
      }catch(e){current=null;$("movie").innerHTML=errHTML(e);$("similar").innerHTML="";}
    }
    $("similar-model").addEventListener("change",()=>similar());
    async function similar(){
      if(!current)return;
      const list=$("similar");list.innerHTML='<li class="muted">loading…</li>';
      try{
        const r=await api("/api/v1/movies/"+current.movie_id+"/similar?k=10&model="+encodeURIComponent($("similar-model").value||models[0]||"als"));
        remember(r.items);
        list.innerHTML=r.items.length?r.items.map(m=>'<li>'+movieLine(m,' <span class="muted">score '+m.score.toFixed(3)+'</span>')+'</li>').join(""):'<li class="empty">No neighbours.</li>';
      }catch(e){list.innerHTML='<li>'+errHTML(e)+'</li>';}
    }

    // A newcomer's likes.
    function addLike(id){if(!likes.includes(id))likes.push(id);drawLikes();}
    function drawLikes(){
      $("likes").innerHTML=likes.length?likes.map(id=>'<span class="chip" data-like="'+id+'">'+esc(titleOf(id))+'<button aria-label="remove '+esc(titleOf(id))+'" data-remove="'+id+'">×</button></span>').join(""):'<p class="empty">Nothing yet: pick a movie and press “I like it”.</p>';
    }
    $("likes").addEventListener("click",e=>{const b=e.target.closest("button[data-remove]");if(b){likes.splice(likes.indexOf(+b.dataset.remove),1);drawLikes();}});
    function recLines(items){
      return items.map(m=>'<li>'+movieLine(m)+'<br><span class="muted">score '+m.score.toFixed(3)+' · '+esc(m.source)+
        (m.because&&m.because.length?' · because you liked '+m.because.map(i=>esc(titleOf(i))).join(", "):"")+'</span></li>').join("");
    }
    $("recommend").addEventListener("click",async()=>{
      const list=$("recs");
      if(!likes.length){list.innerHTML='<li class="empty">Add at least one movie you like first.</li>';return;}
      list.innerHTML='<li class="muted">loading…</li>';
      try{
        const r=await api("/api/v1/recommendations",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({likes:likes,k:+$("k").value||10,model:$("rec-model").value||undefined})});
        remember(r.items);
        list.innerHTML=r.items.length?recLines(r.items):'<li class="empty">No recommendations.</li>';
      }catch(e){list.innerHTML='<li>'+errHTML(e)+'</li>';}
    });

    // A user of the dataset.
    $("user-form").addEventListener("submit",async e=>{
      e.preventDefault();
      const id=$("user").value.trim();
      $("history").innerHTML="";$("user-recs").innerHTML="";
      if(!/^\d+$/.test(id)){$("user-msg").innerHTML='<p class="err">Type a user id (a whole number).</p>';return;}
      $("user-msg").innerHTML='<p class="muted">loading…</p>';
      try{
        const [h,r]=await Promise.all([api("/api/v1/users/"+id+"/history?limit=20"),api("/api/v1/users/"+id+"/recommendations?k=10&model="+encodeURIComponent($("rec-model").value||models[0]||"als"))]);
        remember(h.items);remember(r.items);
        await resolveTitles([...new Set(r.items.flatMap(m=>m.because||[]))]);
        $("user-msg").innerHTML='<p class="muted">user '+h.user+': '+h.ratings+' ratings, '+h.positives+' positives</p>';
        $("history").innerHTML=h.items.length?h.items.map(m=>'<li>'+movieLine(m,' <span class="muted">· rated '+m.rating+' on '+new Date(m.timestamp*1000).toISOString().slice(0,10)+'</span>')+'</li>').join(""):'<li class="empty">No ratings.</li>';
        $("user-recs").innerHTML=r.items.length?recLines(r.items):'<li class="empty">No recommendations.</li>';
      }catch(err){$("user-msg").innerHTML=errHTML(err);}
    });

    // What is served, the evaluation and the simulation.
    function fmt(v){return typeof v==="number"?(Number.isInteger(v)?String(v):v.toFixed(4)):esc(JSON.stringify(v));}
    function evaluationTable(ev){
      const ms=ev.models||{};const names=Object.keys(ms);
      if(!names.length)return '<p class="empty">The saved evaluation holds no model.</p>';
      const cols=[];for(const n of names)for(const [k,v] of Object.entries(ms[n]))if(typeof v==="number"&&!cols.includes(k))cols.push(k);
      const head='<p class="muted">'+esc(ev.protocol||"")+' · split '+esc(ev.split||"")+' · K = '+esc(ev.k??"")+(ev.dataset?' · '+ev.dataset.users+' users, '+ev.dataset.items+' movies':'')+'</p>';
      return head+'<table id="eval-table"><thead><tr><th>model</th>'+cols.map(c=>'<th>'+esc(c)+'</th>').join("")+'</tr></thead><tbody>'+
        names.map(n=>'<tr><td>'+esc(n)+'</td>'+cols.map(c=>'<td>'+(ms[n][c]==null?"–":fmt(ms[n][c]))+'</td>').join("")+'</tr>').join("")+'</tbody></table>';
    }
    async function loadModels(){
      try{
        const r=await api("/api/v1/models");
        models=r.models.filter(m=>m.has_vectors).map(m=>m.name);
        fillModels($("similar-model"));fillModels($("rec-model"));
        $("status").textContent=r.dataset.name+" · "+r.dataset.users+" users · "+r.dataset.movies+" movies · models "+models.join(", ");
        $("evaluation").innerHTML=r.evaluation?evaluationTable(r.evaluation):'<p class="empty">No evaluation was saved for this dataset yet (run marquee evaluate).</p>';
        return true;
      }catch(e){
        if(e.status===503){$("status").textContent="loading the models… (retrying)";setTimeout(boot,1000);return false;}
        $("status").textContent="not connected";$("evaluation").innerHTML=errHTML(e);return false;
      }
    }
    async function loadSimulation(){
      const box=$("simulation");
      try{
        const r=await api("/api/v1/simulations/latest");
        const p=r.simulation.policies||{};
        const rows=Object.entries(p).filter(([,v])=>v&&typeof v.ctr==="number").sort((a,b)=>b[1].ctr-a[1].ctr);
        box.innerHTML=(rows.length?'<div class="scroll"><table id="sim-table"><thead><tr><th>policy</th><th>CTR</th><th>95 % CI</th><th>events</th></tr></thead><tbody>'+
          rows.map(([n,v])=>'<tr><td>'+esc(n)+'</td><td>'+(100*v.ctr).toFixed(2)+' %</td><td>'+(v.ctr_low!=null&&v.ctr_high!=null?(100*v.ctr_low).toFixed(2)+' – '+(100*v.ctr_high).toFixed(2)+' %':"–")+'</td><td>'+(v.events??"–")+'</td></tr>').join("")+'</tbody></table></div>':'<p class="empty">The saved simulation lists no policy.</p>')+
          r.charts.map(u=>'<figure><img class="chart" src="'+esc(u)+'" alt="'+esc(u.split("/").pop())+'"></figure>').join("");
      }catch(e){box.innerHTML=e.status===404?'<p class="empty">No simulation was saved for this dataset yet.</p>':errHTML(e);}
    }
    async function boot(){if(await loadModels())loadSimulation();}
    boot();
    </script>
    </body></html>
    """#
}
